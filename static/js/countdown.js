// Refreshes the server-computed countdown of the portal home every 20 seconds.
// The page is right without it; when the target is reached, the page reloads so the
// server says what comes next.
(function () {
  "use strict";
  var list = document.querySelector("[data-countdown-target]");
  if (!list) { return; }
  var target = Date.parse(list.getAttribute("data-countdown-target"));
  if (isNaN(target)) { return; }
  var fields = {};
  ["days", "hours", "minutes"].forEach(function (name) {
    fields[name] = list.querySelector('[data-countdown="' + name + '"]');
  });
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function refresh() {
    var minutesLeft = Math.floor((target - Date.now()) / 60000);
    if (minutesLeft < 0) { window.location.reload(); return; }
    fields.days.textContent = pad(Math.floor(minutesLeft / 1440));
    fields.hours.textContent = pad(Math.floor((minutesLeft % 1440) / 60));
    fields.minutes.textContent = pad(minutesLeft % 60);
  }
  refresh();
  window.setInterval(refresh, 20000);
})();
