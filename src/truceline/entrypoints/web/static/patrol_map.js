// A patrol's map: the agreement's zones from the REST API, then the patrol's own layers,
// which the server wrote into the page as GeoJSON (a JSON block, never run): the planned
// segment of the route, the track as recorded and the checkpoints (filled once reached).
// Tests find the layers through window.trucelinePatrolMap; #patrol-map gets
// data-ready="true" once everything is drawn.
(function () {
  "use strict";

  var element = document.getElementById("patrol-map");
  if (!element || typeof L === "undefined" || element.dataset.ready === "missing") {
    return;
  }
  var api = element.dataset.api;
  var block = document.getElementById(element.dataset.layers || "");
  var layers = block ? JSON.parse(block.textContent || "{}") : { features: [] };
  var HEX_COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
  L.control.scale({ imperial: false }).addTo(map);
  var state = { map: map, ready: false, layers: {}, zones: 0 };
  window.trucelinePatrolMap = state;

  function cssName(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function drawZones(zones) {
    zones.features.forEach(function (feature) {
      var fill = HEX_COLOUR.test(feature.properties.colour || "") ? feature.properties.colour : "#6b7280";
      L.geoJSON(feature, {
        interactive: false,
        style: function () {
          return { className: "zone zone-" + cssName(feature.id), color: fill, weight: 1, fillColor: fill, fillOpacity: 0.12 };
        },
      }).addTo(map);
      state.zones += 1;
    });
  }

  function title(feature) {
    var body = document.createElement("strong");
    body.textContent = feature.properties.title || "";
    return body;
  }

  function drawPatrol() {
    var group = L.featureGroup();
    (layers.features || []).forEach(function (feature) {
      var kind = feature.properties.layer;
      var layer = L.geoJSON(feature, {
        style: function () {
          if (kind === "planned") {
            return { className: "patrol-planned", weight: 5, opacity: 0.8, dashArray: "8 6" };
          }
          return kind === "track" ? { className: "patrol-track", weight: 3, opacity: 0.95 } : {};
        },
        pointToLayer: function (_feature, latlng) {
          var reached = kind === "checkpoint" && feature.properties.reached;
          return L.circleMarker(latlng, {
            className: kind === "checkpoint" ? "patrol-checkpoint" + (reached ? " reached" : "") : "patrol-track-point",
            radius: kind === "checkpoint" ? 7 : 4,
            weight: 2,
            fillOpacity: reached ? 0.9 : 0.1,
          });
        },
      });
      layer.bindPopup(title(feature));
      state.layers[feature.id] = layer;
      group.addLayer(layer);
    });
    return group.addTo(map);
  }

  function finish() {
    var group = drawPatrol();
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([35.85, 36.5], 9);
    }
    state.ready = true;
    element.dataset.ready = "true";
  }

  fetch(api + "/zones", { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("/zones answered HTTP " + response.status);
      }
      return response.json();
    })
    .then(drawZones)
    .catch(function (error) {
      element.dataset.error = String(error);
    })
    .then(finish);
})();
