// Options: the scoring server's address, kept in chrome.storage.local. Only loopback addresses
// are accepted, the same ones the manifest's host permissions cover.
"use strict";

const DEFAULT_SERVER = "http://127.0.0.1:8765";
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;

const field = document.getElementById("server");
const status = document.getElementById("status");

async function load() {
  const { server } = await chrome.storage.local.get({ server: DEFAULT_SERVER });
  field.value = server;
}

function address() {
  const value = field.value.trim().replace(/\/+$/, "");
  if (!LOOPBACK.test(value)) {
    throw new Error("Use an address on this machine, like http://127.0.0.1:8765.");
  }
  return value;
}

document.getElementById("options").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await chrome.storage.local.set({ server: address() });
    status.textContent = "Saved.";
  } catch (error) {
    status.textContent = error.message;
  }
});

document.getElementById("check").addEventListener("click", async () => {
  try {
    const response = await fetch(`${address()}/health`);
    const health = await response.json();
    // The bundle's name (its folder and fingerprint); "format N" only for a server without one.
    const bundle = health.name || `of format ${health.bundle}`;
    status.textContent = `Connected: bundle ${bundle}, profile ${health.profile}.`;
  } catch (error) {
    status.textContent = error.message.startsWith("Use ") ? error.message : "No scoring server answers at that address.";
  }
});

load();
