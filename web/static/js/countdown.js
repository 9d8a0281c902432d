/* The last day's countdown to the end of voting, kept current without reloading the page. The server wrote the
   same sentence when it sent the page; this only keeps the minutes right. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function update(el) {
    var d = el.dataset;
    var left = Math.floor((Date.parse(d.ends) - Date.now()) / 1000);
    if (left <= 0) { el.textContent = d.over; return false; }
    var text;
    if (left < 60) { text = d.less; }
    else {
      var minutes = Math.floor(left / 60), hours = Math.floor(minutes / 60);
      text = hours ? fill(d.hours, { h: hours, m: minutes % 60 }) : fill(d.minutes, { m: minutes });
    }
    el.textContent = fill(d.label, { left: text });
    return true;
  }

  Array.prototype.forEach.call(document.querySelectorAll(".countdown[data-ends]"), function (el) {
    var timer = setInterval(function () { if (!update(el)) { clearInterval(timer); } }, 15000);
  });
})();
