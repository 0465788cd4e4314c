// The karaoke view of a song card: a waveform with the song's sections and a playhead, and the
// lyrics line by line with the sung line lit, both following the card's own player.
// data: {player, length, lines: [{s, e, text, heading}], sections: [{label, s, e}], peaks,
//        labels: {waveform, hint}}

const KARAOKE_VIEWS = new WeakMap(); // one view per mounted component (its parentElement)
const USER_SCROLL_PAUSE_MS = 4000; // after the reader scrolls the lines, leave the scroll alone

class KaraokeView {
  constructor(root) {
    this.root = root;
    this.player = null;
    this.lines = [];
    this.lineNodes = [];
    this.barNodes = [];
    this.sectionNodes = [];
    this.current = -2;
    this.playedBars = -1;
    this.frame = null;
    this.userScrolledAt = 0;
    this.signature = "";
    this.layoutLength = -1;
    this.stopWatching = null;
    this.cardClass = null;

    this.box = element("div", "karaoke");
    this.wave = element("div", "wave");
    this.wave.tabIndex = 0;
    this.wave.setAttribute("role", "slider");
    this.wave.setAttribute("aria-valuemin", "0");
    this.sectionRow = element("div", "sections");
    this.bars = element("div", "bars");
    this.ticks = element("div", "ticks");
    this.playhead = element("div", "playhead");
    this.bars.append(this.ticks, this.playhead);
    this.wave.append(this.sectionRow, this.bars);
    // Play and pause the card's player from here too: it may be scrolled out of sight.
    this.playButton = element("button", "play");
    this.playButton.type = "button";
    this.playButton.disabled = true;
    this.playButton.appendChild(element("span", "icon"));
    this.playButton.onclick = () => {
      const player = this.player;
      if (!player) return;
      if (player.paused) player.play().catch(() => {});
      else player.pause();
    };
    this.head = element("div", "head");
    this.head.append(this.playButton, this.wave);
    this.footer = element("div", "footer");
    this.hint = element("span", "hint");
    this.clock = element("span", "clock");
    this.footer.append(this.hint, this.clock);
    this.list = element("div", "lines");
    this.box.append(this.head, this.footer, this.list);
    (root.querySelector(".karaoke-root") || root).appendChild(this.box);

    const refresh = () => this.refresh();
    this.follow = playerListeners({
      timeupdate: refresh,
      seeked: refresh,
      durationchange: refresh,
      loadedmetadata: refresh,
      play: () => this.animate(),
      pause: refresh,
      ended: refresh,
    });
    this.wave.onclick = (event) => {
      const rect = this.bars.getBoundingClientRect();
      if (rect.width <= 0) return;
      const fraction = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
      this.seek(fraction * this.length(), false);
    };
    this.wave.onkeydown = (event) => {
      const step = { ArrowLeft: -5, ArrowRight: 5 }[event.key];
      if (step === undefined || !this.player) return;
      event.preventDefault();
      this.seek(this.player.currentTime + step, false);
    };
    this.resizes = new ResizeObserver(() => this.fitBars());
    this.resizes.observe(this.bars);
    this.list.onwheel = this.list.ontouchmove = () => {
      this.userScrolledAt = Date.now();
    };
  }

  update(data) {
    const signature = JSON.stringify(data);
    if (signature === this.signature) return;
    this.signature = signature;
    this.data = data;
    this.lines = Array.isArray(data.lines) ? data.lines : [];
    const labels = data.labels || {};
    this.labels = labels;
    this.hint.textContent = labels.hint || "";
    this.wave.setAttribute("aria-label", labels.waveform || "");
    this.wave.title = labels.waveform || "";
    this.drawBars(Array.isArray(data.peaks) ? data.peaks : []);
    this.drawLines();
    this.layoutLength = -1;
    this.current = -2;
    this.playedBars = -1;
    if (this.cardClass !== data.player) {
      this.cardClass = data.player;
      if (this.stopWatching) this.stopWatching();
      this.stopWatching = watchPlayers([data.player], ([player]) => this.attach(player));
    }
    this.refresh();
  }

  drawBars(peaks) {
    for (const node of [...this.bars.children]) if (node !== this.ticks && node !== this.playhead) node.remove();
    this.peaks = peaks;
    this.barNodes = [];
    this.barCount = 0;
    this.bars.classList.toggle("flat", peaks.length === 0);
    if (peaks.length === 0) {
      // No waveform from the gateway: one flat bar that fills as the song plays.
      this.flatFill = element("div", "fill");
      this.bars.insertBefore(element("div", "track"), this.ticks);
      this.bars.insertBefore(this.flatFill, this.ticks);
      return;
    }
    this.flatFill = null;
    this.strip = element("div", "strip");
    this.bars.insertBefore(this.strip, this.ticks);
    this.fitBars();
  }

  // As many bars as the strip's width holds (3 px each: a bar and a gap), each the loudest of
  // the peaks it stands for; redrawn when the card changes width.
  fitBars() {
    const peaks = this.peaks || [];
    const width = this.strip ? this.strip.clientWidth : 0;
    if (!peaks.length || width <= 0) return;
    const count = Math.max(1, Math.min(peaks.length, Math.floor(width / 3)));
    if (count === this.barCount) return;
    this.barCount = count;
    this.strip.replaceChildren();
    this.barNodes = [];
    for (let i = 0; i < count; i++) {
      const group = peaks.slice(Math.floor((i * peaks.length) / count), Math.floor(((i + 1) * peaks.length) / count));
      const bar = element("span", "bar");
      bar.style.height = Math.max(6, Math.min(100, Math.max(...group.map(Number)) * 100)) + "%";
      this.strip.appendChild(bar);
      this.barNodes.push(bar);
    }
    this.playedBars = -1;
    this.refresh();
  }

  // Sections sit along the song's length, which the player knows better once it has loaded.
  drawSections(length) {
    this.layoutLength = length;
    this.sectionRow.replaceChildren();
    this.ticks.replaceChildren();
    this.sectionNodes = [];
    for (const section of Array.isArray(this.data.sections) ? this.data.sections : []) {
      const left = length > 0 ? (100 * section.s) / length : 0;
      const width = length > 0 ? (100 * (section.e - section.s)) / length : 0;
      const chip = element("span", "section", section.label);
      chip.title = section.label;
      chip.style.left = left + "%";
      chip.style.width = Math.max(0, Math.min(width, 100 - left)) + "%";
      chip.onclick = (event) => {
        event.stopPropagation();
        this.seek(section.s, false);
      };
      this.sectionRow.appendChild(chip);
      const tick = element("span", "tick");
      tick.style.left = left + "%";
      this.ticks.appendChild(tick);
      this.sectionNodes.push({ node: chip, s: section.s, e: section.e, label: section.label });
    }
  }

  drawLines() {
    this.list.replaceChildren();
    this.lineNodes = this.lines.map((line, index) => {
      if (line.heading) return this.list.appendChild(element("div", "heading", line.text));
      const node = element("button", "line", line.text);
      node.type = "button";
      node.dataset.start = String(line.s);
      node.dataset.index = String(index);
      node.onclick = () => this.seek(line.s, true);
      return this.list.appendChild(node);
    });
  }

  length() {
    const last = this.lines.length ? this.lines[this.lines.length - 1].e : 0;
    return playerLength(this.player, (this.data && this.data.length) || last);
  }

  attach(player) {
    this.player = player;
    this.follow(player);
    this.current = -2;
    this.refresh();
    if (player && !player.paused) this.animate();
  }

  seek(seconds, play) {
    const player = this.player;
    if (!player) return;
    player.currentTime = Math.max(0, Math.min(seconds, this.length() || seconds));
    if (play && player.paused) player.play().catch(() => {});
    this.refresh();
  }

  // While playing, follow every frame (timeupdate comes only about 4 times a second).
  animate() {
    if (this.frame !== null) return;
    const step = () => {
      this.refresh();
      this.frame = this.player && !this.player.paused && this.box.isConnected ? requestAnimationFrame(step) : null;
    };
    this.frame = requestAnimationFrame(step);
  }

  lineAt(seconds) {
    let found = -1;
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line.heading) continue;
      if (line.s <= seconds) found = i;
      else break;
    }
    return found;
  }

  refresh() {
    const player = this.player;
    const now = player ? player.currentTime : 0;
    const length = this.length();
    const fraction = length > 0 ? Math.min(1, now / length) : 0;
    const playing = Boolean(player && !player.paused);
    this.playButton.disabled = !player;
    this.playButton.classList.toggle("is-playing", playing);
    this.playButton.setAttribute("aria-label", (this.labels || {})[playing ? "pause" : "play"] || "");
    this.playButton.title = this.playButton.getAttribute("aria-label");
    if (Math.abs(length - this.layoutLength) > 0.01) this.drawSections(length);
    this.playhead.style.left = 100 * fraction + "%";
    const section = this.sectionNodes.find((item) => item.s <= now && now < item.e);
    // The section's name in full: its label along the waveform may be cut on a narrow card.
    this.clock.textContent = (section ? section.label + " · " : "") + clockText(now) + " / " + clockText(length);
    this.wave.setAttribute("aria-valuemax", String(Math.round(length)));
    this.wave.setAttribute("aria-valuenow", String(Math.round(now)));
    this.wave.setAttribute("aria-valuetext", this.clock.textContent);
    if (this.flatFill) this.flatFill.style.width = 100 * fraction + "%";
    const played = Math.floor(fraction * this.barNodes.length);
    if (played !== this.playedBars) {
      this.barNodes.forEach((bar, i) => bar.classList.toggle("played", i < played));
      this.playedBars = played;
    }
    for (const section of this.sectionNodes) {
      section.node.classList.toggle("is-current", section.s <= now && now < section.e);
    }
    const current = this.lineAt(now);
    if (current === this.current) return;
    const before = this.lineNodes[this.current];
    if (before) {
      before.classList.remove("is-current");
      before.removeAttribute("aria-current");
    }
    this.current = current;
    this.lineNodes.forEach((node, i) => node.classList.toggle("is-past", i < current && node.tagName === "BUTTON"));
    const node = this.lineNodes[current];
    if (!node) return;
    node.classList.add("is-current");
    node.setAttribute("aria-current", "true");
    if (Date.now() - this.userScrolledAt > USER_SCROLL_PAUSE_MS) {
      // Scroll the lines box only, never the page: the reader may be looking elsewhere.
      const top = node.offsetTop - this.list.clientHeight / 3;
      this.list.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
    }
  }

  destroy() {
    this.resizes.disconnect();
    if (this.stopWatching) this.stopWatching();
    this.follow(null);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.box.remove();
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let view = KARAOKE_VIEWS.get(parentElement);
  if (!view) {
    view = new KaraokeView(parentElement);
    KARAOKE_VIEWS.set(parentElement, view);
  }
  view.update(data || {});
  return () => {
    view.destroy();
    KARAOKE_VIEWS.delete(parentElement);
  };
}
