/* On a wide screen the filters are open from the start; on a phone they wait behind one control, so the first
   screen shows projects, not a form. Without this script they are one click away everywhere. */
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 40rem)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details.more-filters"), function (d) { d.open = true; });
  }
})();
