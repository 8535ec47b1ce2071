interface Entry {
  rank: number;
  label: string;
  /** Pattern rank of the heading's own marker ("一、" → 4), also for explicit headings. */
  markerRank: number | null;
}

/**
 * The open sections, outermost first. A new section closes every open
 * section of equal or deeper rank. A pattern heading also closes an explicit
 * heading that bears a marker of the same or a deeper rank: a Word-styled
 * "（二）…" and a plain "（三）…" paragraph after it are siblings.
 */
export class SectionStack {
  private readonly entries: Entry[] = [];

  private closes(entry: Entry, rank: number): boolean {
    if (entry.rank >= rank) return true;
    return rank >= 0 && entry.markerRank !== null && entry.markerRank >= rank;
  }

  /** How many entries stay open when a section of `rank` opens. */
  private keptCount(rank: number): number {
    let n = this.entries.length;
    for (let top = this.entries[n - 1]; top && this.closes(top, rank); top = this.entries[n - 1]) n--;
    return n;
  }

  close(rank: number): void {
    this.entries.splice(this.keptCount(rank));
  }

  open(rank: number, label: string, markerRank: number | null): void {
    this.close(rank);
    this.entries.push({ rank, label, markerRank });
  }

  /** Marker rank of the innermost section that would stay open if a section of `rank` opened. */
  parentMarkerRank(rank: number): number | null {
    return this.entries[this.keptCount(rank) - 1]?.markerRank ?? null;
  }

  /** Labels of the open sections; a section opened by a sentence rather than a heading has none. */
  path(): string[] {
    return this.entries.flatMap((e) => (e.label === '' ? [] : [e.label]));
  }
}
