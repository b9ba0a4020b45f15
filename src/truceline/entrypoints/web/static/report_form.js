// The report form: the sub-event types offered follow the event type (and a monitoring kind
// suggests both); clicking the map, or choosing a place of the gazetteer, sets the point and
// says where it falls (nearest place, zone, kilometre post) from the REST API. Without this
// script the form works as it is: every sub-type is listed and the server checks the pair.
// Tests find the map through window.trucelineReportMap; #report-map gets data-ready="true".
(function () {
  "use strict";

  var eventType = document.getElementById("event_type");
  var subType = document.getElementById("sub_event_type");
  var monitoring = document.getElementById("monitoring");

  function offerSubTypes() {
    if (!eventType || !subType) {
      return;
    }
    var chosen = eventType.value;
    var keep = false;
    Array.prototype.forEach.call(subType.querySelectorAll("optgroup"), function (group) {
      var mine = group.dataset.eventType === chosen;
      group.hidden = !mine;
      group.disabled = !mine;
      if (mine && subType.selectedOptions.length && subType.selectedOptions[0].parentNode === group) {
        keep = true;
      }
    });
    if (!keep) {
      var first = subType.querySelector('optgroup[data-event-type="' + CSS.escape(chosen) + '"] option');
      if (first) {
        subType.value = first.value;
      }
    }
  }

  if (eventType && subType) {
    eventType.addEventListener("change", offerSubTypes);
    offerSubTypes();
  }
  if (monitoring && eventType && subType) {
    monitoring.addEventListener("change", function () {
      var option = monitoring.selectedOptions[0];
      if (option && option.dataset.eventType) {
        eventType.value = option.dataset.eventType;
        offerSubTypes();
        subType.value = option.dataset.subEventType;
      }
    });
  }

  var element = document.getElementById("report-map");
  if (!element || typeof L === "undefined" || element.dataset.ready === "missing") {
    return;
  }
  var api = element.dataset.api;
  var lonInput = document.getElementById("lon");
  var latInput = document.getElementById("lat");
  var placeInput = document.getElementById("place");
  var precision = document.getElementById("geo_precision");
  var info = document.getElementById("point-info");
  var results = document.getElementById("place-results");
  var searchForm = document.getElementById("place-search");
  var searchInput = document.getElementById("place-q");
  var HEX_COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  var zoneNames = {};

  function getJson(path, options) {
    return fetch(api + path, options || { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(path + " answered HTTP " + response.status);
      }
      return response.json();
    });
  }

  var map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 16 });
  L.control.scale({ imperial: false }).addTo(map);
  var state = { map: map, ready: false, marker: null, autoPlace: "", described: 0 };
  window.trucelineReportMap = state;

  function say(text) {
    info.textContent = text;
  }

  // Where the point falls: the nearest place of the gazetteer, its zone and route position.
  function describe(lon, lat) {
    var classify = getJson("/classify", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ points: [{ lon: lon, lat: lat }] }),
    });
    return Promise.all([getJson("/places/nearest?lon=" + lon + "&lat=" + lat + "&limit=1"), classify])
      .then(function (found) {
        var nearest = found[0][0];
        var where = found[1].points[0];
        var parts = [];
        if (nearest) {
          var km = (nearest.distance_m / 1000).toFixed(1);
          parts.push("Nearest place: " + nearest.place.name + " (" + km + " km)");
          if (!placeInput.value || placeInput.value === state.autoPlace) {
            placeInput.value = nearest.place.name;
            state.autoPlace = nearest.place.name;
          }
        }
        if (where.zones.length) {
          parts.push("in " + where.zones.map(function (id) { return zoneNames[id] || id; }).join(", "));
        } else {
          parts.push("outside every zone");
        }
        if (where.km !== null && where.km !== undefined) {
          parts.push("km " + where.km.toFixed(1) + " of the route");
        }
        say(parts.join(" · ") + ".");
        state.described += 1;
        element.dataset.described = String(state.described);
      })
      .catch(function (error) {
        say("The point is set; where it falls could not be looked up (" + error.message + ").");
      });
  }

  function place(lon, lat, how) {
    lon = Math.round(lon * 1e5) / 1e5;
    lat = Math.round(lat * 1e5) / 1e5;
    lonInput.value = lon.toFixed(5);
    latInput.value = lat.toFixed(5);
    if (precision && how) {
      precision.value = how;
    }
    if (state.marker) {
      state.marker.setLatLng([lat, lon]);
    } else {
      state.marker = L.circleMarker([lat, lon], {
        className: "incident-marker chosen-point",
        radius: 8,
        weight: 2,
        fillOpacity: 0.9,
      }).addTo(map);
    }
    return describe(lon, lat);
  }

  function typedPoint() {
    var lon = parseFloat(lonInput.value);
    var lat = parseFloat(latInput.value);
    if (isFinite(lon) && isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) {
      place(lon, lat, "");
      return true;
    }
    return false;
  }

  function choosePlace(link) {
    placeInput.value = link.dataset.name;
    state.autoPlace = "";
    place(parseFloat(link.dataset.lon), parseFloat(link.dataset.lat), "1");
    map.setView([parseFloat(link.dataset.lat), parseFloat(link.dataset.lon)], Math.max(map.getZoom(), 12));
  }

  function showResults(matches, query) {
    results.textContent = "";
    var usable = matches.filter(function (m) { return m.place.lon !== null && m.place.lat !== null; });
    if (!usable.length) {
      var none = document.createElement("li");
      none.className = "detail";
      none.textContent = "No place of the gazetteer matches \u201c" + query + "\u201d.";
      results.appendChild(none);
      return;
    }
    usable.forEach(function (m) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "place-choice";
      link.href = "#";
      link.dataset.lon = m.place.lon;
      link.dataset.lat = m.place.lat;
      link.dataset.name = m.place.name;
      link.textContent = m.place.name;
      item.appendChild(link);
      if (m.place.admin1) {
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = " " + m.place.admin1;
        item.appendChild(detail);
      }
      results.appendChild(item);
    });
  }

  results.addEventListener("click", function (event) {
    var link = event.target.closest("a.place-choice");
    if (link) {
      event.preventDefault();
      choosePlace(link);
    }
  });
  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = searchInput.value.trim();
    if (!query) {
      return;
    }
    getJson("/places/search?limit=8&q=" + encodeURIComponent(query))
      .then(function (matches) { showResults(matches, query); })
      .catch(function (error) { say("The search failed: " + error.message); });
  });
  map.on("click", function (event) {
    place(event.latlng.lng, event.latlng.lat, "2");
  });
  [lonInput, latInput].forEach(function (input) {
    input.addEventListener("change", typedPoint);
  });

  Promise.all([getJson("/zones"), getJson("/routes")])
    .then(function (found) {
      var zones = L.featureGroup();
      found[0].features.forEach(function (feature) {
        var p = feature.properties;
        var fill = HEX_COLOUR.test(p.colour || "") ? p.colour : "#6b7280";
        zoneNames[feature.id] = p.name + (p.responsible_name ? " (" + p.responsible_name + ")" : "");
        zones.addLayer(
          L.geoJSON(feature, {
            interactive: false,
            style: function () {
              return { className: "zone", color: fill, weight: 1, fillColor: fill, fillOpacity: 0.2 };
            },
          })
        );
      });
      zones.addTo(map);
      if (found[1].features.length) {
        L.geoJSON(found[1].features[0], {
          interactive: false,
          style: function () {
            return { className: "route route-style-0", weight: 3, opacity: 0.9 };
          },
        }).addTo(map);
      }
      if (zones.getLayers().length) {
        map.fitBounds(zones.getBounds(), { padding: [10, 10] });
      } else {
        map.setView([0, 0], 2);
      }
      if (typedPoint()) {
        map.setView(state.marker.getLatLng(), 12);
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
