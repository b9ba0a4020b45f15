// What the feature maps share (incidents, restrictions and observations, patrols): a Leaflet
// map with a scale, the agreement's zones and routes read from the REST API, popups whose text
// is set as text (never as HTML), fitting the view, and the data-ready flag tests wait for.
// Each feature's script calls window.trucelineMapBase.start(...) with its own layers.
(function () {
  "use strict";

  var HEX_COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function cssName(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function getJson(api, path) {
    return fetch(api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(path + " answered HTTP " + response.status);
      }
      return response.json();
    });
  }

  // A popup body: a title (a link when `url` is given) and lines of text.
  function popup(title, url, lines) {
    var body = document.createElement("div");
    var head = document.createElement(url ? "a" : "strong");
    head.textContent = title;
    if (url) {
      head.href = url;
    }
    body.appendChild(head);
    (lines || []).forEach(function (line) {
      if (line) {
        var p = document.createElement("p");
        p.textContent = line;
        body.appendChild(p);
      }
    });
    return body;
  }

  function drawZones(map, state, zones, fillOpacity) {
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
            fillOpacity: fillOpacity,
          };
        },
      });
      state.zones[feature.id] = layer;
      group.addLayer(layer);
    });
    return group.addTo(map);
  }

  function drawRoutes(map, routes, all) {
    (all ? routes.features : routes.features.slice(0, 1)).forEach(function (feature, index) {
      L.geoJSON(feature, {
        interactive: false,
        style: function () {
          return { className: "route route-style-" + (index % 3), weight: 3, opacity: 0.85 };
        },
      }).addTo(map);
    });
  }

  // Draw the zones (and routes), then `drawOwn(map, state)`, which returns its feature group;
  // fit the view to that group (or to `centre` [lat, lon] at zoom 11 for a single record),
  // else to the zones; then mark the element ready, or show why the map could not be drawn.
  function start(element, options) {
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
    L.control.scale({ imperial: false }).addTo(map);
    var state = { map: map, ready: false, markers: {}, zones: {}, layers: {} };
    window[options.name] = state;
    var api = element.dataset.api;
    var wanted = [getJson(api, "/zones")];
    if (options.routes !== "none") {
      wanted.push(getJson(api, "/routes"));
    }
    return Promise.all(wanted)
      .then(function (results) {
        var zones = drawZones(map, state, results[0], options.zoneOpacity || 0.15);
        if (results[1]) {
          drawRoutes(map, results[1], options.routes === "all");
        }
        var own = options.drawOwn(map, state);
        if (options.centre) {
          map.setView(options.centre, 11);
        } else if (own && own.getLayers().length) {
          var bounds = own.getBounds();
          if (options.withZones && zones.getLayers().length) {
            bounds = bounds.extend(zones.getBounds());
          }
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: options.maxZoom || 12 });
        } else if (zones.getLayers().length) {
          map.fitBounds(zones.getBounds(), { padding: [20, 20] });
        } else {
          map.setView([0, 0], 2);
        }
        state.ready = true;
        element.dataset.ready = "true";
        return state;
      })
      .catch(function (error) {
        var message = document.createElement("p");
        message.className = "map-error";
        message.textContent = "The map could not be drawn: " + error.message;
        element.appendChild(message);
        element.dataset.ready = "error";
        throw error;
      });
  }

  window.trucelineMapBase = { cssName: cssName, popup: popup, start: start };
})();
