// The home page's map: zones, routes, kilometre posts and places from the REST API,
// drawn with Leaflet on a plain background (no tile server, nothing fetched off the machine).
// Tests find the layers through window.trucelineMap and the CSS classes zone-<id>,
// route-<id>, km-post and place; #map gets data-ready="true" once everything is drawn.
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var api = element.dataset.api;
  var referenceRoute = element.dataset.referenceRoute;
  var KM_LABEL_EVERY = 5;
  var PLACE_LABEL_ZOOM = 10;
  var GRID_STEP_DEG = 0.1;
  var HEX_COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function colour(value, fallback) {
    return HEX_COLOUR.test(value || "") ? value : fallback;
  }

  function cssName(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function escapeHtml(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span.innerHTML;
  }

  // A popup body built from [tagName, text] pairs, with text set as text (never as HTML).
  function popupContent(lines) {
    var body = document.createElement("div");
    lines.forEach(function (line) {
      if (!line[1]) {
        return;
      }
      var node = document.createElement(line[0]);
      node.textContent = line[1];
      body.appendChild(node);
    });
    return body;
  }

  function getJson(path) {
    return fetch(api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(path + " answered HTTP " + response.status);
      }
      return response.json();
    });
  }

  var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
  L.control.scale({ imperial: false }).addTo(map);
  var state = {
    map: map,
    ready: false,
    layers: { zones: {}, routes: {}, kmPosts: {}, places: null, grid: null },
  };
  window.trucelineMap = state;

  function gridLayer(bounds) {
    var west = Math.floor(bounds.getWest() / GRID_STEP_DEG - 5) * GRID_STEP_DEG;
    var east = Math.ceil(bounds.getEast() / GRID_STEP_DEG + 5) * GRID_STEP_DEG;
    var south = Math.floor(bounds.getSouth() / GRID_STEP_DEG - 5) * GRID_STEP_DEG;
    var north = Math.ceil(bounds.getNorth() / GRID_STEP_DEG + 5) * GRID_STEP_DEG;
    var style = { className: "grid", interactive: false, weight: 1 };
    var lines = [];
    for (var x = west; x <= east + 1e-9; x += GRID_STEP_DEG) {
      lines.push(L.polyline([[south, x], [north, x]], style));
    }
    for (var y = south; y <= north + 1e-9; y += GRID_STEP_DEG) {
      lines.push(L.polyline([[y, west], [y, east]], style));
    }
    return L.layerGroup(lines);
  }

  function zoneLayer(feature) {
    var p = feature.properties;
    var fill = colour(p.colour, "#6b7280");
    var layer = L.geoJSON(feature, {
      style: function () {
        return {
          className: "zone zone-" + cssName(feature.id),
          color: fill,
          weight: 1.5,
          fillColor: fill,
          fillOpacity: 0.3,
        };
      },
    });
    var responsible = p.responsible_name
      ? "Responsibility of " + p.responsible_name
      : "No responsible party named";
    var derived = p.derivation
      ? "Band " + p.derivation.width_km + " km deep, " + p.derivation.side + " of route " + p.derivation.route
      : "";
    layer.bindPopup(
      popupContent([
        ["strong", p.name],
        ["p", responsible],
        ["p", String(p.kind).replace(/_/g, " ")],
        ["p", derived],
      ])
    );
    return layer;
  }

  function routeLayer(feature, index) {
    var p = feature.properties;
    var layer = L.geoJSON(feature, {
      style: function () {
        return {
          className: "route route-" + cssName(feature.id) + " route-style-" + Math.min(index, 2),
          weight: index === 0 ? 5 : 3,
          opacity: 1,
        };
      },
    });
    layer.bindPopup(
      popupContent([
        ["strong", p.name],
        ["p", p.length_km + " km as drawn"],
        ["p", p.accuracy_note],
        ["p", p.end_note],
      ])
    );
    return layer;
  }

  function kmPostLayer(collection, routeName) {
    var markers = collection.features.map(function (feature) {
      var km = feature.properties.km;
      var labelled = Math.abs(km / KM_LABEL_EVERY - Math.round(km / KM_LABEL_EVERY)) < 1e-6;
      var coordinates = feature.geometry.coordinates;
      var marker = L.circleMarker([coordinates[1], coordinates[0]], {
        className: "km-post" + (labelled ? " km-post-labelled" : ""),
        radius: labelled ? 4 : 2.5,
        color: "#111827",
        weight: 1,
        fillColor: "#ffffff",
        fillOpacity: 1,
      });
      marker.bindPopup(popupContent([["strong", "km " + km], ["p", routeName]]));
      if (labelled) {
        marker.bindTooltip("km " + km, {
          permanent: true,
          direction: "top",
          offset: [0, -4],
          className: "km-label",
        });
      }
      return marker;
    });
    return L.featureGroup(markers);
  }

  function placeLayer(collection) {
    var markers = collection.features.map(function (feature) {
      var p = feature.properties;
      var coordinates = feature.geometry.coordinates;
      var marker = L.circleMarker([coordinates[1], coordinates[0]], {
        className: "place place-" + cssName(feature.id),
        radius: 4,
        color: "#ffffff",
        weight: 1,
        fillColor: "#374151",
        fillOpacity: 0.9,
      });
      var others = (p.alt_names || []).slice(0, 4).join(", ");
      marker.bindPopup(
        popupContent([
          ["strong", p.name],
          ["p", p.admin1 ? p.admin1 + " governorate" : ""],
          ["p", others ? "Also: " + others : ""],
          ["p", p.source ? "Source: " + p.source : ""],
        ])
      );
      marker.bindTooltip(p.name, {
        permanent: true,
        direction: "right",
        offset: [5, 0],
        className: "place-label",
      });
      return marker;
    });
    return L.featureGroup(markers);
  }

  function showPlaceLabels() {
    element.classList.toggle("show-place-labels", map.getZoom() >= PLACE_LABEL_ZOOM);
  }

  function draw(zones, routes, posts, places) {
    var layers = state.layers;
    var zoneGroup = L.featureGroup();
    zones.features.forEach(function (feature) {
      var layer = zoneLayer(feature);
      layers.zones[feature.id] = layer;
      zoneGroup.addLayer(layer);
    });
    var bounds = zoneGroup.getLayers().length ? zoneGroup.getBounds() : null;
    routes.features.forEach(function (feature, index) {
      layers.routes[feature.id] = routeLayer(feature, index);
      bounds = bounds ? bounds.extend(layers.routes[feature.id].getBounds()) : layers.routes[feature.id].getBounds();
    });
    if (!bounds) {
      map.setView([0, 0], 2);
      return;
    }
    layers.grid = gridLayer(bounds).addTo(map);
    zoneGroup.addTo(map);
    Object.keys(layers.routes).forEach(function (id) {
      layers.routes[id].addTo(map);
    });
    layers.places = placeLayer(places).addTo(map);
    routes.features.forEach(function (feature, index) {
      var layer = kmPostLayer(posts[index], feature.properties.name);
      layers.kmPosts[feature.id] = layer;
      if (feature.id === referenceRoute) {
        layer.addTo(map);
      }
    });

    var overlays = {};
    zones.features.forEach(function (feature) {
      var who = feature.properties.responsible_name;
      overlays[escapeHtml(feature.properties.name + (who ? " — " + who : ""))] = layers.zones[feature.id];
    });
    routes.features.forEach(function (feature) {
      overlays[escapeHtml(feature.properties.name)] = layers.routes[feature.id];
      overlays[escapeHtml("Kilometre posts: " + feature.properties.name)] = layers.kmPosts[feature.id];
    });
    overlays["Places"] = layers.places;
    overlays["Grid (0.1°)"] = layers.grid;
    L.control.layers(null, overlays, { collapsed: true, position: "topleft" }).addTo(map);

    map.fitBounds(bounds, { padding: [20, 20] });
    map.on("zoomend", showPlaceLabels);
    showPlaceLabels();
  }

  Promise.all([getJson("/zones"), getJson("/routes"), getJson("/places")])
    .then(function (results) {
      var routes = results[1];
      return Promise.all(
        routes.features.map(function (feature) {
          return getJson("/routes/" + encodeURIComponent(feature.id) + "/km-posts");
        })
      ).then(function (posts) {
        draw(results[0], routes, posts, results[2]);
      });
    })
    .then(function () {
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
