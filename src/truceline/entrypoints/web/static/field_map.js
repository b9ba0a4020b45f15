// The restriction and observation pages' map: the agreement's zones and routes from the REST API,
// and the records the page lists (a JSON block the server wrote into the page, never run): each
// restriction a circle coloured by its kind (denied, delayed), each observation a blue circle.
// Tests find the layers through window.trucelineFieldMap; #field-map gets data-ready="true" once
// everything is drawn. The page works without this script: every record is in its tables.
(function () {
  "use strict";

  var element = document.getElementById("field-map");
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

  // A popup body whose text is set as text (never as HTML), with a link to the record.
  function popup(point) {
    var body = document.createElement("div");
    var title = document.createElement(point.url ? "a" : "strong");
    title.textContent = point.title;
    if (point.url) {
      title.href = point.url;
    }
    body.appendChild(title);
    if (point.place) {
      var p = document.createElement("p");
      p.textContent = point.place;
      body.appendChild(p);
    }
    return body;
  }

  var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
  L.control.scale({ imperial: false }).addTo(map);
  var state = { map: map, ready: false, markers: {}, zones: {} };
  window.trucelineFieldMap = state;

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
            fillOpacity: 0.15,
          };
        },
      });
      state.zones[feature.id] = layer;
      group.addLayer(layer);
    });
    return group.addTo(map);
  }

  function drawRoutes(routes) {
    routes.features.forEach(function (feature, index) {
      L.geoJSON(feature, {
        interactive: false,
        style: function () {
          return { className: "route route-style-" + (index % 3), weight: 3, opacity: 0.85 };
        },
      }).addTo(map);
    });
  }

  function drawPoints() {
    var group = L.featureGroup();
    points.forEach(function (point) {
      var restriction = point.layer === "restriction";
      var marker = L.circleMarker([point.lat, point.lon], {
        className: restriction
          ? "field-marker restriction-" + cssName(point.category)
          : "field-marker field-observation observation-" + cssName(point.category),
        radius: single ? 9 : restriction ? 7 : 6,
        weight: 2,
        color: "#1f2937",
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
      drawRoutes(results[1]);
      var records = drawPoints();
      if (single && points.length) {
        map.setView([points[0].lat, points[0].lon], 11);
      } else if (points.length) {
        var bounds = records.getBounds();
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
