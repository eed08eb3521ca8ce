// Draws the sector map: markers for each production site, tiles only when a tile URL is set.
(function () {
  var script = document.currentScript;
  function draw() {
    var element = document.getElementById(script.dataset.map);
    var points = JSON.parse(document.getElementById(script.dataset.points).textContent);
    if (!element || !window.L || !points.length) return;
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lng], { radius: 6, weight: 1, fillOpacity: 0.8 }).addTo(map);
      var label = document.createElement("span");
      label.textContent = point.name + " — " + point.commune;
      marker.bindPopup(label);
      bounds.push([point.lat, point.lng]);
    });
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 10 });
  }
  if (document.readyState === "complete") draw();
  else window.addEventListener("load", draw);
})();
