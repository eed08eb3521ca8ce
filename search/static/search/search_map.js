// Draws the map of the current page of supplier search results (Leaflet, vendored).
// Markers come from the #search-map-points JSON inside the results region; htmx replaces that
// region when a filter changes, so the map is drawn again after every swap. Tiles only when the
// container carries a tile URL; without JavaScript the container stays hidden and the list is enough.
(function () {
  var map = null;
  var drawnFrom = null; // the JSON element the current map was drawn from

  function popup(point) {
    var box = document.createElement("span");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(
      point.commune + (point.postal_code ? " (" + point.postal_code + ")" : "") + (point.distance ? " · " + point.distance : "")
    ));
    return box;
  }

  function draw() {
    if (map) {
      map.remove();
      map = null;
    }
    var element = document.getElementById("search-map");
    var data = document.getElementById("search-map-points");
    drawnFrom = data;
    if (!element || !data || !window.L) return;
    var points = JSON.parse(data.textContent);
    if (!points.length) return;
    element.hidden = false;
    map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    var bounds = points.map(function (point) {
      L.circleMarker([point.lat, point.lng], { radius: 7, weight: 1, fillOpacity: 0.8 })
        .bindPopup(popup(point))
        .addTo(map);
      return [point.lat, point.lng];
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 11 });
  }

  // Any swap may have replaced the results (outerHTML: the event's target is the old region).
  document.addEventListener("htmx:afterSwap", function () {
    if (document.getElementById("search-map-points") !== drawnFrom || (map && !document.body.contains(map.getContainer()))) draw();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
