// A/B: one button per take of a task; pressing one moves playback to that take's card player at
// the moment the other was at. Only one take plays at a time.
// data: {takes: [{player, letter, title}], labels: {hint}}

const AB_SWITCHES = new WeakMap();

class AbSwitch {
  constructor(root) {
    this.box = element("div", "ab");
    this.box.setAttribute("role", "group");
    this.badge = element("span", "badge", "A/B");
    this.buttons = element("div", "buttons");
    this.box.append(this.badge, this.buttons);
    (root.querySelector(".ab-root") || root).appendChild(this.box);
    this.players = [];
    this.follows = [];
    this.active = 0;
    this.signature = "";
    this.stopWatching = null;
  }

  update(data) {
    const signature = JSON.stringify(data);
    if (signature === this.signature) return;
    this.signature = signature;
    const takes = Array.isArray(data.takes) ? data.takes : [];
    const hint = (data.labels && data.labels.hint) || "";
    this.box.title = hint;
    this.box.setAttribute("aria-label", hint);
    this.buttons.replaceChildren();
    this.buttonNodes = takes.map((take, index) => {
      const button = element("button", "take");
      button.type = "button";
      button.dataset.take = take.letter;
      button.append(element("span", "letter", take.letter), element("span", "title", take.title));
      button.title = take.letter + " · " + take.title;
      button.onclick = () => this.switchTo(index);
      return this.buttons.appendChild(button);
    });
    if (this.stopWatching) this.stopWatching();
    this.follows.forEach((follow) => follow(null));
    this.follows = takes.map((_, index) =>
      playerListeners({ play: () => this.played(index), pause: () => this.mark(), ended: () => this.mark() }),
    );
    this.stopWatching = watchPlayers(
      takes.map((take) => take.player),
      (players) => {
        this.players = players;
        players.forEach((player, index) => this.follows[index](player));
        this.mark();
      },
    );
  }

  // A take started (by this switch or its own player's button): the others stop.
  played(index) {
    this.active = index;
    this.players.forEach((player, i) => {
      if (player && i !== index && !player.paused) player.pause();
    });
    this.mark();
  }

  switchTo(index) {
    const target = this.players[index];
    if (!target) return;
    if (index === this.active && !target.paused) {
      target.pause(); // the playing take's own button pauses it, like a play button
      return;
    }
    const playing = this.players.find((player) => player && player !== target && !player.paused);
    const source = playing || this.players[this.active];
    if (source && source !== target) {
      const at = source.currentTime;
      const length = target.duration;
      target.currentTime = Number.isFinite(length) ? Math.min(at, Math.max(0, length - 0.05)) : at;
    }
    this.players.forEach((player) => {
      if (player && player !== target) player.pause();
    });
    this.active = index;
    target.play().catch(() => {});
    this.mark();
  }

  mark() {
    (this.buttonNodes || []).forEach((button, i) => {
      const player = this.players[i];
      button.setAttribute("aria-pressed", String(i === this.active));
      button.classList.toggle("is-playing", Boolean(player && !player.paused));
      button.disabled = !player;
    });
  }

  destroy() {
    if (this.stopWatching) this.stopWatching();
    this.follows.forEach((follow) => follow(null));
    this.box.remove();
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let view = AB_SWITCHES.get(parentElement);
  if (!view) {
    view = new AbSwitch(parentElement);
    AB_SWITCHES.set(parentElement, view);
  }
  view.update(data || {});
  return () => {
    view.destroy();
    AB_SWITCHES.delete(parentElement);
  };
}
