/* Lantern's browser softphone: the Twilio Voice SDK's Device (vendored in vendor/), with an
 * access token from Lantern. The advocate has already accepted the offer in Lantern, so the
 * call that rings here is answered at once. Controls: mute, hold (through Lantern, which puts
 * the caller on hold in the conference), hang up (this line leaves), and a call timer.
 * Tests replace the Device with window.LanternSoftphoneDevice (no microphone on CI). */
(function () {
  "use strict";
  var root = document.getElementById("softphone");
  if (!root) return;
  var state = root.querySelector("[data-role=state]");
  var timer = root.querySelector("[data-role=timer]");
  var mute = root.querySelector("[data-action=mute]");
  var hold = root.querySelector("[data-action=hold]");
  var hangup = root.querySelector("[data-action=hangup]");
  var call = null, started = 0, ticking = null, held = false, device = null;

  function say(key) { state.textContent = root.dataset[key] || key; }
  function enable(on) { [mute, hold, hangup].forEach(function (b) { b.disabled = !on; }); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var s = Math.floor((Date.now() - started) / 1000);
    timer.textContent = pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }
  function ended() {
    call = null; held = false;
    clearInterval(ticking);
    enable(false);
    mute.setAttribute("aria-pressed", "false");
    hold.setAttribute("aria-pressed", "false");
    say("ready");
  }
  function token() {
    return fetch(root.dataset.tokenUrl, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("token " + r.status);
      return r.json();
    });
  }
  function lantern(action) {
    return fetch(root.dataset.actionUrl.replace("ACTION", action), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf },
    });
  }

  mute.addEventListener("click", function () {
    if (!call) return;
    var on = !call.isMuted();
    call.mute(on);
    mute.setAttribute("aria-pressed", String(on));
  });
  hold.addEventListener("click", function () {
    if (!call) return;
    lantern(held ? "unhold" : "hold").then(function (r) {
      if (!r.ok) { say("failed"); return; }
      held = !held;
      hold.setAttribute("aria-pressed", String(held));
      say(held ? "held" : "connected");
    });
  });
  hangup.addEventListener("click", function () { if (call) call.disconnect(); });

  enable(false);
  say("starting");
  token().then(function (data) {
    var Device = window.LanternSoftphoneDevice || (window.Twilio && window.Twilio.Device);
    device = new Device(data.token, { closeProtection: true });
    device.on("registered", function () { say("ready"); });
    device.on("error", function () { say("failed"); });
    device.on("tokenWillExpire", function () {
      token().then(function (fresh) { device.updateToken(fresh.token); });
    });
    device.on("incoming", function (incoming) {
      call = incoming;
      call.on("disconnect", ended);
      call.on("cancel", ended);
      call.accept();
      started = Date.now();
      tick();
      ticking = setInterval(tick, 1000);
      enable(true);
      say("connected");
    });
    device.register();
  }).catch(function () { say("unavailable"); });
})();
