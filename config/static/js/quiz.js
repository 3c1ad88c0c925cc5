// Progressive enhancement of the quiz form: the same POST, answered in JSON, shown in place.
// Without JavaScript the form posts normally and the server renders a feedback page.
(function () {
  "use strict";

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showFeedback(form, data) {
    data.questions.forEach(function (question) {
      var fieldset = form.querySelector('[data-question="' + question.id + '"]');
      if (!fieldset) return;
      var box = fieldset.querySelector("[data-feedback]");
      clear(box);
      var verdict = document.createElement("p");
      verdict.className = "fr-alert fr-alert--sm " + (question.correct ? "fr-alert--success" : "fr-alert--error");
      verdict.textContent = question.verdict;
      var explanation = document.createElement("p");
      explanation.className = "hc-explanation";
      explanation.textContent = question.explanation;
      box.appendChild(verdict);
      (question.feedback || []).forEach(function (item) {
        // Why each wrong choice the pupil picked is wrong.
        var note = document.createElement("p");
        note.className = "fr-text--sm hc-choice-feedback";
        var strong = document.createElement("strong");
        strong.textContent = "« " + item.text + " » : ";
        note.appendChild(strong);
        note.appendChild(document.createTextNode(item.feedback));
        box.appendChild(note);
      });
      box.appendChild(explanation);
      fieldset.querySelectorAll("input").forEach(function (input) {
        var label = fieldset.querySelector('label[for="' + input.id + '"]');
        if (!label) return;
        var isCorrect = question.correct_choices.indexOf(input.value) !== -1;
        label.classList.toggle("hc-choice--correct", isCorrect);
        var mark = label.querySelector(".hc-choice__mark");
        if (mark) label.removeChild(mark);
        if (isCorrect) {
          mark = document.createElement("span");
          mark.className = "hc-choice__mark";
          mark.textContent = " ✓ " + data.correct_label;
          label.appendChild(mark);
        }
      });
    });
    var score = form.querySelector("[data-quiz-score]");
    score.textContent = data.score_text;
    score.setAttribute("tabindex", "-1");
    score.focus();
  }

  function showError(form, message, questionId) {
    var alert = form.querySelector("[data-quiz-error]");
    alert.querySelector("p").textContent = message;
    alert.hidden = false;
    alert.setAttribute("tabindex", "-1");
    var target = questionId && form.querySelector('[data-question="' + questionId + '"] input');
    (target || alert).focus();
  }

  document.querySelectorAll("[data-quiz] form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      form.querySelector("[data-quiz-error]").hidden = true;
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (reply) {
          if (reply.ok) showFeedback(form, reply.data);
          else showError(form, reply.data.message, reply.data.question);
        })
        .catch(function () {
          // The network failed: fall back to the plain form post.
          form.submit();
        })
        .finally(function () { button.disabled = false; });
    });
  });
})();
