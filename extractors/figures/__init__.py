"""One prose-figure engine for every language and source: number grammars (data), dates and
period strategies, the subject lexicon, rules as records, sentence attribution. It knows no
source and no document: readers give it prose, source kinds give it rules."""
