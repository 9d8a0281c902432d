/* A census import's progress, live: the bar follows the import by asking the site for its state every second;
   once the import has finished the page is reloaded to show the report. Without this script the page has a
   link that refreshes it by hand. The live region is told only of each further ten per cent and of the end,
   so a screen reader is not interrupted every second. */
(function () {
  "use strict";
  var section = document.getElementById("census-progress");
  if (!section || section.getAttribute("data-finished") === "true") { return; }
  var bar = document.getElementById("census-progress-bar"), text = document.getElementById("census-progress-text");
  var refresh = document.getElementById("census-refresh");
  if (refresh) { refresh.hidden = true; }
  var announced = -1, announcedStatus = "";

  function poll() {
    fetch(section.getAttribute("data-state-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        bar.max = state.total_rows || 1;
        bar.value = state.processed_rows;
        bar.textContent = state.percent + "%";
        var tenth = Math.floor(state.percent / 10);
        if (tenth !== announced || state.status !== announcedStatus) {
          announced = tenth;
          announcedStatus = state.status;
          text.textContent = state.status_line + " " + state.summary;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        if (refresh) { refresh.hidden = false; }  // the site did not answer: the person refreshes by hand
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
}());
