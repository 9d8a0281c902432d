/* The survey's conditional questions, live: a question whose condition is not met is hidden (not asked) as the
   person answers. Without this script the server does the same between two sends (glos_web/survey.py). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey]");
  if (!form) { return; }
  var conditional = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-condition-input]"));

  function valuesOf(name) {
    var owner = document.getElementById(name);
    if (owner && owner.hidden) { return []; }  // an unasked question has no answer
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value) { values.push(el.value); }
    });
    return values;
  }

  function update() {
    // in order: a condition looks at an earlier question, which may itself have just been hidden
    conditional.forEach(function (fieldset) {
      var wanted = JSON.parse(fieldset.getAttribute("data-condition-any")).map(String);
      var given = valuesOf(fieldset.getAttribute("data-condition-input"));
      fieldset.hidden = !given.some(function (v) { return wanted.indexOf(v) !== -1; });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function () {
    var shown = [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-code]"), function (fieldset) {
      if (!fieldset.hidden) { shown.push(fieldset.getAttribute("data-code")); }
    });
    form.querySelector("[data-displayed]").value = shown.join(",");
  });
  update();
}());
