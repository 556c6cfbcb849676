/**
 * A rough "sounds like" spelling of a folded word (a-z), so that the ways speech
 * recognition misspells a fantasy name end up close: every vowel run is one "a"
 * ("Elara"/"Alara"/"Ellara" -> "alara"), doubled letters count once, and the
 * sibilants a recogniser swaps are one sound ("Grimjaw"/"Grimshaw" -> "gramja").
 * Kept coarser than English spelling but finer than Soundex, which maps so many
 * ordinary words together that it would wake NPCs on table talk.
 */
export function soundKey(word: string): string {
  return (
    word
      .replace(/[^a-z0-9]/g, '')
      .replace(/(.)\1+/g, '$1')
      .replace(/^(kn|gn|pn)/, 'n')
      .replace(/^wr/, 'r')
      .replace(/^ps/, 's')
      .replace(/^x/, 's')
      .replace(/ph/g, 'f')
      .replace(/ck/g, 'k')
      .replace(/sch/g, 'sk')
      .replace(/tch|dg|sh|ch|zh/g, 'j')
      .replace(/g(?=[eiy])/g, 'j')
      .replace(/c(?=[eiy])/g, 's')
      .replace(/[cq]/g, 'k')
      .replace(/x/g, 'ks')
      .replace(/z/g, 's')
      // "th" stays its own sound: mapping it to "t" makes "torn" a "Thorne".
      .replace(/th/g, '0')
      .replace(/(?<=.)h/g, '')
      // A silent final e ("Thorne", "Grace") and w after a vowel ("jaw") add no sound of their own.
      .replace(/(?<=[^aeiouy].*[^aeiouy])e$/, '')
      .replace(/(?<=[aeiouy])w/g, '')
      .replace(/^y(?=[aeiou])/, 'Y')
      .replace(/[aeiouy]+/g, 'a')
      .replace(/Y/, 'y')
      .replace(/(.)\1+/g, '$1')
  );
}
