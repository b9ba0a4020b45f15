// The incident pages' map: the agreement's zones and reference route (map_base.js), and the
// incidents the page lists (a JSON block the server wrote into the page, never run), each a
// circle coloured by its verification status through the CSS classes status-<status>.
// Tests find the layers through window.trucelineIncidentMap; #incident-map gets
// data-ready="true" once everything is drawn.
(function () {
  "use strict";

  var element = document.getElementById("incident-map");
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
      var marker = L.circleMarker([point.lat, point.lon], {
        className: "incident-marker status-" + base.cssName(point.status),
        radius: single ? 9 : 6,
        weight: 2,
        fillOpacity: 0.9,
      });
      marker.bindPopup(base.popup(point.title, point.url, [point.place, "Status: " + point.status]));
      state.markers[point.id] = marker;
      group.addLayer(marker);
    });
    return group.addTo(map);
  }

  base.start(element, {
    name: "trucelineIncidentMap",
    routes: "first",
    zoneOpacity: 0.18,
    withZones: true,
    centre: single && points.length ? [points[0].lat, points[0].lon] : null,
    drawOwn: drawPoints,
  });
})();
