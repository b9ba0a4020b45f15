// A patrol's map: the agreement's zones (map_base.js), then the patrol's own layers, which the
// server wrote into the page as GeoJSON (a JSON block, never run): the planned segment of the
// route, the track as recorded and the checkpoints (filled once reached). Tests find the layers
// through window.trucelinePatrolMap; #patrol-map gets data-ready="true" once everything is drawn.
(function () {
  "use strict";

  var element = document.getElementById("patrol-map");
  var base = window.trucelineMapBase;
  if (!element || typeof L === "undefined" || !base || element.dataset.ready === "missing") {
    return;
  }
  var block = document.getElementById(element.dataset.layers || "");
  var layers = block ? JSON.parse(block.textContent || "{}") : { features: [] };

  function style(kind) {
    if (kind === "planned") {
      return { className: "patrol-planned", weight: 5, opacity: 0.8, dashArray: "8 6" };
    }
    return kind === "track" ? { className: "patrol-track", weight: 3, opacity: 0.95 } : {};
  }

  function drawPatrol(map, state) {
    var group = L.featureGroup();
    (layers.features || []).forEach(function (feature) {
      var kind = feature.properties.layer;
      var layer = L.geoJSON(feature, {
        style: function () {
          return style(kind);
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
      layer.bindPopup(base.popup(feature.properties.title || "", null, []));
      state.layers[feature.id] = layer;
      group.addLayer(layer);
    });
    return group.addTo(map);
  }

  base.start(element, {
    name: "trucelinePatrolMap",
    routes: "none",
    zoneOpacity: 0.12,
    withZones: false,
    maxZoom: 13,
    drawOwn: drawPatrol,
  });
})();
