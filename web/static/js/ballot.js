/* The ballot, enhanced: a live counter and budget bar that say what is left, projects that no longer fit
   greyed out (still shown), and a warning before leaving with choices not yet saved or sent.
   Without this script the same form works: the server checks the limits when it is sent. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function setupBallot(form) {
    var d = form.dataset;
    var type = d.type, maxProjects = +d.max, maxPoints = +d.maxPoints, budget = +d.budget;
    var number = new Intl.NumberFormat(d.language === "pl" ? "pl-PL" : "en-GB");
    function money(v) { return d.language === "pl" ? number.format(v) + "\u00a0zł" : "PLN\u00a0" + number.format(v); }
    var bar = document.getElementById("bar"), fillEl = document.getElementById("bar-fill"),
        text = document.getElementById("bar-text");
    var items = Array.prototype.slice.call(form.querySelectorAll(".ballot-project"));
    var dirty = false;

    function state() {
      var count = 0, cost = 0, points = 0;
      items.forEach(function (li) {
        var box = li.querySelector("input[type=checkbox]"), sel = li.querySelector("select");
        var value = box ? (box.checked ? 1 : 0) : +sel.value;
        if (value > 0) { count += 1; cost += +li.dataset.cost; points += value; }
      });
      return { count: count, cost: cost, points: points };
    }

    function update() {
      var s = state(), value, max, valueText, sentence;
      if (type === "budget_approval") {
        value = s.cost; max = budget;
        valueText = fill(d.textBudgetValue, { used: money(s.cost), budget: money(budget) });
        sentence = fill(d.textBudget, { n: s.count, max: maxProjects, used: money(s.cost), left: money(budget - s.cost) });
      } else if (type === "cumulative") {
        value = s.points; max = maxPoints;
        valueText = fill(d.textPointsValue, { used: s.points, max: maxPoints });
        sentence = fill(d.textPoints, { used: s.points, max: maxPoints, n: s.count, maxp: maxProjects });
      } else {
        value = s.count; max = maxProjects;
        valueText = fill(d.textCountValue, { n: s.count, max: maxProjects });
        sentence = fill(d.textCount, { n: s.count, max: maxProjects });
      }
      bar.setAttribute("aria-valuenow", String(value));
      bar.setAttribute("aria-valuetext", valueText);
      fillEl.className = "meter-fill";
      fillEl.style.width = Math.min(100, max ? (100 * value / max) : 0) + "%";
      bar.classList.toggle("over", value > max);
      text.textContent = sentence;

      items.forEach(function (li) {
        var box = li.querySelector("input[type=checkbox]"), sel = li.querySelector("select");
        var note = li.querySelector(".fit"), chosen = box ? box.checked : +sel.value > 0, reason = "";
        if (!chosen && s.count >= maxProjects) {
          reason = d.textNoSlots;
        } else if (!chosen && type === "budget_approval" && +li.dataset.cost > budget - s.cost) {
          reason = d.textNoMoney;
        } else if (type === "cumulative" && !chosen && s.points >= maxPoints) {
          reason = d.textNoPoints;
        }
        if (box) { box.disabled = reason !== ""; }
        if (sel) {
          sel.disabled = reason !== "";
          var own = +sel.value;
          Array.prototype.forEach.call(sel.options, function (opt) {
            var n = +opt.value;
            opt.disabled = type === "cumulative" && n > 0 && n - own > maxPoints - s.points;
          });
        }
        li.classList.toggle("does-not-fit", reason !== "");
        note.textContent = reason;
      });
    }

    form.addEventListener("change", function () { dirty = true; update(); });
    form.addEventListener("submit", function () {
      // disabled fields are not sent: enable them so the server sees exactly what is chosen (nothing extra)
      items.forEach(function (li) {
        var c = li.querySelector("input, select"); c.disabled = false;
      });
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = d.textLeave; return d.textLeave; }
    });
    update();
  }

  var ballot = document.getElementById("ballot-form");
  if (ballot) { setupBallot(ballot); }
})();
