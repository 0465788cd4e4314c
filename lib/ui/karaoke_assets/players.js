// Shared by the karaoke view and the A/B switch (prepended to each by lib/ui/karaoke.py).
// Streamlit's st.audio reports no time to Python, so both drive the song cards' own <audio>
// elements here. A card is st.container(key="song-<key>"), which Streamlit marks with the class
// "st-key-song-<key>"; the first <audio> inside it is the card's player.

function cardPlayer(cardClass) {
  if (!cardClass) return null;
  return document.querySelector("." + CSS.escape(cardClass) + " audio");
}

// Calls onChange(players) now and whenever the players found change: a card drawn after this
// component, a player replaced on a rerun or removed. Returns the function that stops watching.
function watchPlayers(cardClasses, onChange) {
  let current = [];
  let pending = null;
  const check = () => {
    pending = null;
    const next = cardClasses.map(cardPlayer);
    if (next.length !== current.length || next.some((player, i) => player !== current[i])) {
      current = next;
      onChange(next);
    }
  };
  const observer = new MutationObserver(() => {
    if (pending === null) pending = setTimeout(check, 60);
  });
  observer.observe(document.body, { childList: true, subtree: true });
  check();
  return () => {
    observer.disconnect();
    if (pending !== null) clearTimeout(pending);
  };
}

// Listeners on one player that can be moved to another without piling up.
function playerListeners(handlers) {
  let bound = null;
  return (player) => {
    if (bound === player) return;
    if (bound) for (const [name, fn] of Object.entries(handlers)) bound.removeEventListener(name, fn);
    bound = player || null;
    if (bound) for (const [name, fn] of Object.entries(handlers)) bound.addEventListener(name, fn);
  };
}

function playerLength(player, fallback) {
  const duration = player ? player.duration : NaN;
  return Number.isFinite(duration) && duration > 0 ? duration : fallback || 0;
}

function clockText(seconds) {
  const whole = Math.max(0, Math.floor(seconds || 0));
  return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // gateway text: never parsed as HTML
  return node;
}
