// Production en France: the little JavaScript the site needs. Pages work without it.
// The CSRF header for htmx requests is set by hx-headers on <body> (base.html), not here.
(function () {
  "use strict";

  // After an htmx swap, move focus to the element named by hx-focus (if any) so keyboard and
  // screen-reader users land on the new content instead of the top of the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var selector = event.detail.elt && event.detail.elt.getAttribute("hx-focus");
    if (!selector) return;
    var target = document.querySelector(selector);
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
