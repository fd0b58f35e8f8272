package io.ernieneo4j.trainer.align;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a text into word tokens and normalises each one, the same way for dictionary names and for the texts they
 * are looked for in.
 *
 * <p>A token is a run of letters, digits and combining marks, apostrophes inside it included ("o'clock", "don't").
 * Everything else separates tokens, so "hot-dog", "hot dog", "Hot_Dog" and "hot  dog" are the same two tokens.
 * Separators that end a phrase (listed in {@link #PHRASE_BREAKS}) mark the next token: a name is matched across them
 * only where it has such a separator itself. Normalisation is Unicode NFKC, then case folding ({@code toUpperCase} then {@code toLowerCase} in the root
 * locale, so "Straße" and "STRASSE" agree), with typographic apostrophes made ASCII. Pure-ASCII tokens (nearly all of
 * English text) take a fast path that only lower-cases.
 *
 * <p>{@link #start()} and {@link #end()} are UTF-16 offsets into the original text, as {@link String#substring}
 * takes them, whatever normalisation did to the token's characters.
 */
final class TokenScanner {

    /** Clause and sentence punctuation, brackets and quotes: only names that have them are matched across them. */
    static final String PHRASE_BREAKS = ",;:!?()[]{}\"“”«»|\n";

    private final String text;
    private int position;
    private int start;
    private int end;
    private boolean phraseBreakBefore;
    private char[] buffer = new char[32];
    private int length;

    TokenScanner(String text) {
        this.text = text;
    }

    /** The normalised tokens of a whole string, e.g. of a dictionary name. */
    static List<String> tokens(String name) {
        TokenScanner scanner = new TokenScanner(name);
        List<String> tokens = new ArrayList<>();
        while (scanner.next()) {
            tokens.add(new String(scanner.buffer(), 0, scanner.length()));
        }
        return tokens;
    }

    /** Moves to the next token; false at the end of the text. */
    boolean next() {
        int n = text.length();
        phraseBreakBefore = false;
        int i = position;
        while (i < n) {
            int c = text.codePointAt(i);
            if (isWordCodePoint(c)) {
                break;
            }
            if (PHRASE_BREAKS.indexOf(c) >= 0) {
                phraseBreakBefore = true;
            }
            i += Character.charCount(c);
        }
        if (i >= n) {
            position = n;
            return false;
        }
        start = i;
        boolean ascii = true;
        while (i < n) {
            int c = text.codePointAt(i);
            if (isWordCodePoint(c) || (isApostrophe(c) && i + 1 < n && isWordCodePoint(text.codePointAt(i + 1)))) {
                ascii &= c < 0x80;
                i += Character.charCount(c);
            } else {
                break;
            }
        }
        end = i;
        position = i;
        if (ascii) {
            lowerCaseAscii();
        } else {
            fold(text.substring(start, end));
        }
        return true;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** Whether clause or sentence punctuation stands between this token and the previous one. */
    boolean phraseBreakBefore() {
        return phraseBreakBefore;
    }

    /** The normalised token is {@code buffer()[0, length())}; the array is reused by the next call to next(). */
    char[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    /** Whether {@code text[start, end)} has a capital letter and no small one. */
    static boolean inCapitals(CharSequence text, int start, int end) {
        boolean capital = false;
        for (int k = start; k < end; ) {
            int c = Character.codePointAt(text, k);
            if (Character.isLowerCase(c)) {
                return false;
            }
            capital |= Character.isUpperCase(c);
            k += Character.charCount(c);
        }
        return capital;
    }

    /**
     * Whether a word of {@code text} is written in capitals, but for a small plural or possessive "s" after at least
     * two capitals: "GAS", "DISCs", "NASA's"; not "Gas", "gas" or "Is".
     */
    static boolean writtenInCapitals(String text, int start, int end) {
        int last = end;
        if (text.charAt(end - 1) == 's') {
            last = end - 1;
            if (last > start && isApostrophe(text.charAt(last - 1))) {
                last--;
            }
            if (last - start < 2) {
                return false;
            }
        }
        return inCapitals(text, start, last);
    }

    private void lowerCaseAscii() {
        length = end - start;
        ensureCapacity(length);
        for (int k = 0; k < length; k++) {
            char c = text.charAt(start + k);
            buffer[k] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
    }

    private void fold(String token) {
        String normalised = Normalizer.isNormalized(token, Normalizer.Form.NFKC)
                ? token : Normalizer.normalize(token, Normalizer.Form.NFKC);
        String folded = normalised.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT)
                .replace('’', '\'').replace('‘', '\'').replace('ʼ', '\'');
        length = folded.length();
        ensureCapacity(length);
        folded.getChars(0, length, buffer, 0);
    }

    private void ensureCapacity(int capacity) {
        if (buffer.length < capacity) {
            buffer = Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
        }
    }

    private static boolean isWordCodePoint(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        if (c == 'ʼ') {
            return false; // a letter to Unicode, an apostrophe to writers
        }
        int type = Character.getType(c);
        return Character.isLetterOrDigit(c) || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }

    static boolean isApostrophe(int c) {
        return c == '\'' || c == '’' || c == 'ʼ';
    }
}
