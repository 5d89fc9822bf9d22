/* Navigator intake: small progressive enhancement. Every page works without it.
 *
 * - Questions that follow the answers appear on the same page, as soon as the answer that calls
 *   for them is given (blocks marked data-follow-when / data-follow-values by the server,
 *   screening/intake/forms/follow_ups.py). Hidden questions are disabled, so they are never
 *   sent; the server drops them anyway. The page's "shown" field (or, on the diagnosis step,
 *   "biomarkers_for") tells the server which questions the person has seen.
 * - Step 1's wording follows who is filling in the form ("your" / "the patient's").
 * - A page restored from the browser's back-forward cache is loaded again, so Back after
 *   sending shows "Your answers were sent", never the old review.
 *
 * No framework, no inline script (the Content-Security-Policy allows neither).
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.disabled) {
        return null;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          return input.value;
        }
      } else {
        return input.value;
      }
    }
    return null;
  }

  function setEnabled(block, enabled) {
    var controls = block.querySelectorAll("input, select, textarea");
    for (var i = 0; i < controls.length; i++) {
      controls[i].disabled = !enabled;
    }
  }

  function updateFollowUps(form) {
    var blocks = form.querySelectorAll("[data-follow-when]");
    var shown = [];
    // Document order: an outer block is settled before the blocks inside it.
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var answer = valueOf(form, block.getAttribute("data-follow-when"));
      var values = block.getAttribute("data-follow-values").split(" ");
      var visible = answer !== null && values.indexOf(answer) !== -1;
      block.hidden = !visible;
      setEnabled(block, visible);
      if (visible && block.getAttribute("data-follow-fields")) {
        shown = shown.concat(block.getAttribute("data-follow-fields").split(" "));
      }
    }
    var prefix = form.getAttribute("data-step") + "-";
    var shownField = form.querySelector('[name="' + prefix + 'shown"]');
    if (shownField) {
      shownField.value = shown.join(" ");
    }
    var markersFor = form.querySelector('[name="' + prefix + 'biomarkers_for"]');
    if (markersFor) {
      markersFor.value = valueOf(form, prefix + "disease") || "";
    }
  }

  function updateWording(form, wording) {
    var toPatient = valueOf(form, wording.role) === wording.patient;
    wording.texts.forEach(function (text) {
      var element = document.querySelector(text.selector);
      if (!element) {
        return;
      }
      // The first text node: a label may also hold the "required" mark.
      var node = element.firstChild;
      while (node && (node.nodeType !== Node.TEXT_NODE || !node.nodeValue.trim())) {
        node = node.nextSibling;
      }
      if (node) {
        node.nodeValue = toPatient ? text.patient : text.other;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("step-form");
    if (!form) {
      return;
    }
    var wordingData = document.getElementById("intake-wording");
    var wording = wordingData ? JSON.parse(wordingData.textContent) : null;
    var refresh = function () {
      updateFollowUps(form);
      if (wording) {
        updateWording(form, wording);
      }
    };
    form.addEventListener("change", refresh);
    refresh();
  });
})();
