// The incident pages' map: the agreement's zones and reference route from the REST API,
// and the incidents the page lists (a JSON block the server wrote into the page, never run),
// each a circle coloured by its verification status through the CSS classes status-<status>.
// Tests find the layers through window.trucelineIncidentMap; #incident-map gets
// data-ready="true" once everything is drawn.
(function () {
  "use strict";

  var element = document.getElementById("incident-map");
  if (!element || typeof L === "undefined" || element.dataset.ready === "missing") {
    return;
  }
  var api = element.dataset.api;
  var dataBlock = document.getElementById(element.dataset.points || "");
  var points = dataBlock ? JSON.parse(dataBlock.textContent || "[]") : [];
  var single = element.classList.contains("single");
  var HEX_COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function cssName(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function getJson(path) {
    return fetch(api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(path + " answered HTTP " + response.status);
      }
      return response.json();
    });
  }

  // A popup body whose text is set as text (never as HTML), with an optional link.
  function popup(point) {
    var body = document.createElement("div");
    var title = document.createElement(point.url ? "a" : "strong");
    title.textContent = point.title;
    if (point.url) {
      title.href = point.url;
    }
    body.appendChild(title);
    [point.place, "Status: " + point.status].forEach(function (line) {
      if (line) {
        var p = document.createElement("p");
        p.textContent = line;
        body.appendChild(p);
      }
    });
    return body;
  }

  var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
  L.control.scale({ imperial: false }).addTo(map);
  var state = { map: map, ready: false, markers: {}, zones: {} };
  window.trucelineIncidentMap = state;

  function drawZones(zones) {
    var group = L.featureGroup();
    zones.features.forEach(function (feature) {
      var fill = HEX_COLOUR.test(feature.properties.colour || "") ? feature.properties.colour : "#6b7280";
      var layer = L.geoJSON(feature, {
        interactive: false,
        style: function () {
          return {
            className: "zone zone-" + cssName(feature.id),
            color: fill,
            weight: 1,
            fillColor: fill,
            fillOpacity: 0.18,
          };
        },
      });
      state.zones[feature.id] = layer;
      group.addLayer(layer);
    });
    return group.addTo(map);
  }

  function drawRoute(routes) {
    if (!routes.features.length) {
      return null;
    }
    return L.geoJSON(routes.features[0], {
      interactive: false,
      style: function () {
        return { className: "route route-style-0", weight: 3, opacity: 0.9 };
      },
    }).addTo(map);
  }

  function drawPoints() {
    var group = L.featureGroup();
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        className: "incident-marker status-" + cssName(point.status),
        radius: single ? 9 : 6,
        weight: 2,
        fillOpacity: 0.9,
      });
      marker.bindPopup(popup(point));
      state.markers[point.id] = marker;
      group.addLayer(marker);
    });
    return group.addTo(map);
  }

  Promise.all([getJson("/zones"), getJson("/routes")])
    .then(function (results) {
      var zones = drawZones(results[0]);
      drawRoute(results[1]);
      var incidents = drawPoints();
      if (single && points.length) {
        map.setView([points[0].lat, points[0].lon], 11);
      } else if (points.length) {
        var bounds = incidents.getBounds();
        map.fitBounds(zones.getLayers().length ? bounds.extend(zones.getBounds()) : bounds, {
          padding: [20, 20],
          maxZoom: 12,
        });
      } else if (zones.getLayers().length) {
        map.fitBounds(zones.getBounds(), { padding: [20, 20] });
      } else {
        map.setView([0, 0], 2);
      }
      state.ready = true;
      element.dataset.ready = "true";
    })
    .catch(function (error) {
      var message = document.createElement("p");
      message.className = "map-error";
      message.textContent = "The map could not be drawn: " + error.message;
      element.appendChild(message);
      element.dataset.ready = "error";
      throw error;
    });
})();
