// The restriction and observation pages' map: the agreement's zones and routes (map_base.js),
// and the records the page lists (a JSON block the server wrote into the page, never run): each
// restriction a circle coloured by its kind (denied, delayed), each observation a blue circle.
// Tests find the layers through window.trucelineFieldMap; #field-map gets data-ready="true" once
// everything is drawn. The page works without this script: every record is in its tables.
(function () {
  "use strict";

  var element = document.getElementById("field-map");
  var base = window.trucelineMapBase;
  if (!element || typeof L === "undefined" || !base || element.dataset.ready === "missing") {
    return;
  }
  var dataBlock = document.getElementById(element.dataset.points || "");
  var points = dataBlock ? JSON.parse(dataBlock.textContent || "[]") : [];
  var single = element.classList.contains("single");

  function drawPoints(map, state) {
    var group = L.featureGroup();
    points.forEach(function (point) {
      var restriction = point.layer === "restriction";
      var marker = L.circleMarker([point.lat, point.lon], {
        className: restriction
          ? "field-marker restriction-" + base.cssName(point.category)
          : "field-marker field-observation observation-" + base.cssName(point.category),
        radius: single ? 9 : restriction ? 7 : 6,
        weight: 2,
        color: "#1f2937",
        fillOpacity: 0.9,
      });
      marker.bindPopup(base.popup(point.title, point.url, [point.place]));
      state.markers[point.id] = marker;
      group.addLayer(marker);
    });
    return group.addTo(map);
  }

  base.start(element, {
    name: "trucelineFieldMap",
    routes: "all",
    zoneOpacity: 0.15,
    withZones: true,
    centre: single && points.length ? [points[0].lat, points[0].lon] : null,
    drawOwn: drawPoints,
  });
})();
