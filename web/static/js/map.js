/* The project map: the list below it is the primary view; this draws the same projects as markers.
   No tile layer unless the city configured one (data-tile-url): nothing is fetched from elsewhere. */
(function () {
  "use strict";
  var el = document.getElementById("project-map");
  if (!el || typeof L === "undefined") { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("#map-projects [data-lat]"));
  // no fading or zoom animation: calmer for everyone, and nothing half-transparent when read
  var map = L.map(el, { scrollWheelZoom: false, fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var points = [];
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
    marker.addTo(map);
    points.push([lat, lng]);
  });
  if (points.length) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([52.0, 19.0], 6);
  }
})();
