// The captcha's « Afficher d'autres chiffres » without reloading the page: asks
// django-simple-captcha's refresh view for a new key, then swaps the image, the hidden
// key and the audio link. Without JavaScript the link simply reloads the page, which
// draws new digits too; if the request fails, the page is reloaded the same way.
"use strict";

document.querySelectorAll("[data-captcha-refresh-url]").forEach((box) => {
  if (box.dataset.captchaBound) return;
  box.dataset.captchaBound = "1";
  const link = box.querySelector("[data-captcha-refresh]");
  const status = box.querySelector("[data-captcha-status]");
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(box.dataset.captchaRefreshUrl, {
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      box.querySelector("img").src = data.image_url;
      box.querySelector('input[type="hidden"]').value = data.key;
      const audio = box.querySelector("[data-captcha-audio]");
      if (audio && data.audio_url) audio.href = data.audio_url;
      const answer = box.querySelector('input:not([type="hidden"])');
      answer.value = "";
      status.textContent = "Nouveaux chiffres affichés.";
      answer.focus();
    } catch {
      window.location.reload();
    }
  });
});
