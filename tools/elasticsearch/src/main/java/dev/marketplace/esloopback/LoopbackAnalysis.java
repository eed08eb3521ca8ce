package dev.marketplace.esloopback;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Token filters and analyzers with the names and settings of Elasticsearch's analysis-common module. */
final class LoopbackAnalysis {

    private LoopbackAnalysis() {}

    /** {@code elision}: {@code articles} / {@code articles_path}, {@code articles_case}. */
    static final class ElisionFactory extends AbstractTokenFilterFactory {
        private final CharArraySet articles;

        ElisionFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            this.articles = Analysis.parseArticles(env, settings);
            if (articles == null) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ElisionFilter(in, articles);
        }

        @Override
        public TokenStream normalize(TokenStream in) {
            return create(in);
        }
    }

    /** {@code asciifolding}: {@code preserve_original}. */
    static final class AsciiFoldingFactory extends AbstractTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFoldingFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            this.preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ASCIIFoldingFilter(in, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream in) {
            // keyword normalizers only want the folded form
            return new ASCIIFoldingFilter(in, false);
        }
    }

    /** {@code stemmer}: {@code language} (or {@code name}); the French and English stemmers only. */
    static final class StemmerFactory extends AbstractTokenFilterFactory {
        private static final Map<String, Function<TokenStream, TokenStream>> STEMMERS = Map.of(
            "light_french", FrenchLightStemFilter::new,
            "minimal_french", FrenchMinimalStemFilter::new,
            "french", in -> new SnowballFilter(in, new FrenchStemmer()),
            "english", PorterStemFilter::new,
            "porter", PorterStemFilter::new,
            "light_english", KStemFilter::new,
            "minimal_english", EnglishMinimalStemFilter::new,
            "possessive_english", EnglishPossessiveFilter::new,
            "porter2", in -> new SnowballFilter(in, new EnglishStemmer())
        );

        private final Function<TokenStream, TokenStream> stemmer;

        StemmerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            String language = settings.get("language", settings.get("name", "porter")).toLowerCase(Locale.ROOT);
            this.stemmer = STEMMERS.get(language);
            if (stemmer == null) {
                throw new IllegalArgumentException(
                    "stemmer language [" + language + "] is not available on the loopback node; supported: " + STEMMERS.keySet()
                );
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return stemmer.apply(in);
        }
    }

    /** {@code french} analyzer: {@code stopwords}, {@code stopwords_path}, {@code stem_exclusion}. */
    static final class FrenchAnalyzerProvider extends AbstractIndexAnalyzerProvider<FrenchAnalyzer> {
        private final FrenchAnalyzer analyzer;

        FrenchAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            analyzer = new FrenchAnalyzer(
                Analysis.parseStopWords(env, settings, FrenchAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
        }

        @Override
        public FrenchAnalyzer get() {
            return analyzer;
        }
    }

    /** {@code english} analyzer: {@code stopwords}, {@code stopwords_path}, {@code stem_exclusion}. */
    static final class EnglishAnalyzerProvider extends AbstractIndexAnalyzerProvider<EnglishAnalyzer> {
        private final EnglishAnalyzer analyzer;

        EnglishAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            analyzer = new EnglishAnalyzer(
                Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
        }

        @Override
        public EnglishAnalyzer get() {
            return analyzer;
        }
    }
}
