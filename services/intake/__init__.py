"""intake: takes feedback in from every channel and answers tracking-code lookups."""
