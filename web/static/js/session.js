/* A warning before a login ends for lack of activity (the site's idle limit: an hour for residents, 15 minutes
   for staff) — a ballot being filled in, or a long form, would otherwise be lost without a word. The site keeps
   the time: this page asks it how long is left (asking is not activity, so an unattended page does not keep
   its login alive), and "stay" tells it the person is here. Without this script the login still ends on time;
   the login page then says why. */
(function () {
  "use strict";

  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var button = box.querySelector("button"), text = box.querySelector(".session-warning-text");
  var warnBefore = Math.min(5 * 60, +box.dataset.idleS / 4);
  var timer;

  function ended() {
    text.textContent = box.dataset.expired;
    button.hidden = true;
    box.hidden = false;
  }

  function plan(secondsLeft) {
    clearTimeout(timer);
    if (secondsLeft > warnBefore) {
      box.hidden = true;
      timer = setTimeout(check, (secondsLeft - warnBefore) * 1000);
    } else {
      box.hidden = false;
      timer = setTimeout(check, Math.max(secondsLeft, 1) * 1000 + 1000);
    }
  }

  function ask(method) {
    var headers = { "X-CSRFToken": box.dataset.csrf };
    fetch(box.dataset.ping, { method: method, credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status !== 200) { ended(); return null; }
        return response.json();
      })
      .then(function (answer) { if (answer) { plan(answer.seconds_left); } },
            function () { timer = setTimeout(check, 30000); });  // offline: ask again later
  }

  function check() { ask("GET"); }

  button.addEventListener("click", function () { ask("POST"); });
  plan(+box.dataset.idleS);
})();
