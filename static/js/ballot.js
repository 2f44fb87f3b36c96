// Step 2 of the vote: « JE VEUX VOTER, J'ACTIVE LA SÉLECTION » enables the choices in
// place (without JavaScript the same button reloads the page with them enabled).
// Step 3: JE VOTE is sent once, even if pressed twice.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const activate = document.getElementById("activate-form");
  const ballotForm = document.getElementById("ballot-form");
  if (activate && ballotForm) {
    activate.addEventListener("submit", (event) => {
      event.preventDefault();
      const radios = ballotForm.querySelectorAll('input[name="choix"]');
      radios.forEach((radio) => { radio.disabled = false; });
      ballotForm.querySelectorAll(".isoloir-inactive-hint").forEach((hint) => hint.remove());
      document.getElementById("want-to-vote").hidden = false;
      const status = document.getElementById("activation-status");
      const message = document.createElement("p");
      message.className = "fr-alert fr-alert--success fr-alert--sm";
      message.textContent = "LES LOGOS SONT ACTIVÉS, VOUS POUVEZ FORMULER VOTRE CHOIX DE VOTE";
      status.replaceChildren(message);
      activate.hidden = true;
      if (radios.length) radios[0].focus();
    });
  }
  const castForm = document.getElementById("cast-form");
  if (castForm) {
    castForm.addEventListener("submit", (event) => {
      if (castForm.dataset.sent) { event.preventDefault(); return; }
      castForm.dataset.sent = "1";
      document.getElementById("je-vote").setAttribute("aria-disabled", "true");
    });
  }
});
