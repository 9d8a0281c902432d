/* The project map: the list below it is the primary view; this draws the same projects as markers — grouped
   into numbered clusters where they crowd (vendored Leaflet.markercluster) — over the areas' outlines with their
   names, so the map reads without any tile server. Tiles only if the city configured one (data-tile-url):
   nothing is fetched from elsewhere. */
(function () {
  "use strict";
  var el = document.getElementById("project-map");
  if (!el || typeof L === "undefined") { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("#map-projects [data-lat]"));
  // no fading or zoom animation: calmer for everyone, and nothing half-transparent when read
  // maxZoom on the map itself: without a tile layer nothing else sets it, and the clusters need it
  var map = L.map(el, { maxZoom: 19, scrollWheelZoom: false, fadeAnimation: false, zoomAnimation: false,
                        markerZoomAnimation: false });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var bounds = [];

  var outlinesData = document.getElementById("area-outlines");
  if (outlinesData) {
    var outlines = JSON.parse(outlinesData.textContent);
    if (outlines.features && outlines.features.length) {
      var layer = L.geoJSON(outlines, {
        style: function () { return { color: "#0b4f8a", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.06 }; },
        onEachFeature: function (feature, shape) {
          // the area's name on the map itself: without tiles this is what says where one is
          shape.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "area-label" });
        }
      }).addTo(map);
      var outlineBounds = layer.getBounds();
      if (outlineBounds.isValid()) { bounds.push(outlineBounds.getSouthWest(), outlineBounds.getNorthEast()); }
    }
  }

  var group = (el.dataset.cluster && typeof L.markerClusterGroup === "function")
    ? L.markerClusterGroup({ showCoverageOnHover: false, spiderfyOnMaxZoom: true, maxClusterRadius: 50 })
    : L.layerGroup();
  items.forEach(function (li) {
    var lat = parseFloat(li.dataset.lat), lng = parseFloat(li.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) { return; }
    var marker = L.marker([lat, lng], { title: li.dataset.title, alt: li.dataset.title, keyboard: true });
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = li.dataset.href;
    link.textContent = li.dataset.title;
    var cost = document.createElement("p");
    cost.textContent = li.dataset.cost;
    box.appendChild(link);
    box.appendChild(cost);
    marker.bindPopup(box);
    group.addLayer(marker);
    bounds.push(L.latLng(lat, lng));
  });
  // the view first: a cluster group works out its clusters from the map's zoom when it is added
  if (bounds.length) {
    map.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([52.0, 19.0], 6);
  }
  group.addTo(map);
})();
