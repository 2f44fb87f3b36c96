// Steps 2 and 3 of the vote, in the page: the choice never leaves it.
//
// Step 2: « JE VEUX VOTER, J'ACTIVE LA SÉLECTION » enables the choices, « JE VEUX VOTER »
// shows step 3 (« VOUS AVEZ CHOISI … », RETOUR, JE VOTE). JE VOTE encrypts the choice with
// IsoloirCrypto (static/js/isoloir-crypto.js), computes the reference and posts the ballot
// JSON and the reference only; the server answers with the accusé de réception.
// Without JavaScript, or if the page cannot encrypt, only the explanation shows.
"use strict";

(function () {
  function ready() {
    const app = document.getElementById("isoloir-vote");
    const paramsElement = document.getElementById("isoloir-scrutin");
    if (!app || !paramsElement || typeof BigInt !== "function" || !window.IsoloirCrypto) return;
    if (!window.crypto || typeof window.crypto.getRandomValues !== "function") return;
    const Crypto = window.IsoloirCrypto;
    let prepared;
    try {
      prepared = Crypto.prepareParameters(JSON.parse(paramsElement.textContent));
    } catch (error) {
      return; // the explanation stays: nothing can be sent
    }

    const step2 = document.getElementById("isoloir-step-2");
    const step3 = document.getElementById("isoloir-step-3");
    const ballotForm = document.getElementById("ballot-form");
    const radios = Array.from(ballotForm.querySelectorAll('input[name="choix"]'));
    const activate = document.getElementById("activate");
    const wantToVote = document.getElementById("want-to-vote");
    const status = document.getElementById("activation-status");
    const choiceError = document.getElementById("choix-error");
    const fieldset = document.getElementById("choix");
    const summary = document.getElementById("choice-summary");
    const back = document.getElementById("back-to-ballot");
    const jeVote = document.getElementById("je-vote");
    const castForm = document.getElementById("cast-form");
    const castStatus = document.getElementById("cast-status");
    const castError = document.getElementById("cast-error");

    document.getElementById("isoloir-nojs").remove();
    app.hidden = false;

    function fromTemplate(id) {
      return document.getElementById(id).content.cloneNode(true);
    }

    function setActive() {
      radios.forEach((radio) => { radio.disabled = false; });
      ballotForm.querySelectorAll(".isoloir-inactive-hint").forEach((hint) => hint.remove());
      wantToVote.hidden = false;
      status.replaceChildren(fromTemplate("activation-message"));
      activate.parentElement.hidden = true;
    }

    function showChoiceError(show) {
      choiceError.hidden = !show;
      fieldset.classList.toggle("fr-fieldset--error", show);
      if (show) {
        fieldset.setAttribute("aria-labelledby", "choix-legend choix-error");
      } else {
        fieldset.setAttribute("aria-labelledby", "choix-legend");
      }
    }

    function chosen() {
      return radios.find((radio) => radio.checked) || null;
    }

    function showStep(number, { push = true } = {}) {
      step2.hidden = number !== 2;
      step3.hidden = number !== 3;
      document.title = app.dataset[number === 2 ? "titleStep2" : "titleStep3"];
      if (number === 3) {
        const radio = chosen();
        const blank = radio.value === Crypto.BLANK;
        step3.querySelectorAll("[data-when]").forEach((element) => {
          element.hidden = element.dataset.when !== (blank ? "blank" : "list");
        });
        step3.querySelector(".isoloir-chosen-name").textContent = radio.dataset.name;
        if (push) history.pushState({ isoloirStep: 3 }, "");
        summary.focus();
      } else {
        const radio = chosen();
        (radio || radios[0]).focus();
      }
    }

    activate.addEventListener("click", () => {
      setActive();
      if (radios.length) radios[0].focus();
    });

    radios.forEach((radio) => radio.addEventListener("change", () => showChoiceError(false)));

    ballotForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!chosen()) {
        showChoiceError(true);
        fieldset.focus();
        return;
      }
      showChoiceError(false);
      showStep(3);
    });

    back.addEventListener("click", () => {
      if (castForm.dataset.sent === "1") return;
      if (history.state && history.state.isoloirStep === 3) {
        history.back(); // popstate shows step 2
      } else {
        showStep(2, { push: false });
      }
    });

    window.addEventListener("popstate", () => {
      if (!step3.hidden && castForm.dataset.sent !== "1") showStep(2, { push: false });
    });

    jeVote.addEventListener("click", () => {
      if (castForm.dataset.sent === "1") return;
      const radio = chosen();
      if (!radio) return;
      castForm.dataset.sent = "1";
      jeVote.setAttribute("aria-disabled", "true");
      back.setAttribute("aria-disabled", "true");
      castStatus.replaceChildren(fromTemplate("cast-encrypting"));
      // Let the status render before the encryption takes the main thread.
      window.setTimeout(() => {
        let ballot;
        let reference;
        try {
          ballot = Crypto.createBallot(prepared, radio.value);
          reference = Crypto.ballotReference(ballot);
        } catch (error) {
          castStatus.replaceChildren();
          castError.replaceChildren(fromTemplate("cast-failed"));
          return;
        }
        castForm.elements.ballot.value = Crypto.canonicalJson(ballot);
        castForm.elements.reference.value = reference;
        castForm.submit();
      }, 30);
    });

    // Back from the accusé or a reload: the browser may restore a checked radio.
    if (chosen()) setActive();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
