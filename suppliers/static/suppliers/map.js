// Draws a supplier's production sites on a Leaflet map. The page names the map element and the
// json_script holding the points in data attributes of this <script>; tiles are drawn only when
// the map element carries a tile URL (settings.MAP_TILE_URL), else markers sit on a plain
// background. The list of sites under the map carries the same information without JavaScript.
(function () {
  "use strict";
  var script = document.currentScript;
  function draw() {
    var element = document.getElementById(script.dataset.map);
    var source = document.getElementById(script.dataset.points);
    if (!element || !source || !window.L) return;
    var points = JSON.parse(source.textContent);
    if (!points.length) return;
    element.classList.add("supplier-map--ready");
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tileUrl) });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (point) {
      // Circle markers need no icon image, so they look the same with or without tiles.
      var marker = L.circleMarker([point.lat, point.lng], { radius: 8, weight: 2, fillOpacity: 0.8 }).addTo(map);
      var label = document.createElement("span");
      label.textContent = point.name + " — " + point.postal_code + " " + point.commune;
      marker.bindPopup(label);
      marker.bindTooltip(point.name);
      bounds.push([point.lat, point.lng]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
  }
  if (document.readyState === "complete") draw();
  else window.addEventListener("load", draw);
})();
