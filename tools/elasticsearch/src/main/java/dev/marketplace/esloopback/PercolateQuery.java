package dev.marketplace.esloopback;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Matches the documents whose stored query (a {@code percolator} field) matches at least one of
 * the percolated documents, each held in its own in-memory index. No candidate pre-selection:
 * every stored query is tried, which is fine for the small indices of development and tests.
 */
final class PercolateQuery extends Query {

    /** Turns the stored bytes of a percolator field into a Lucene query. */
    interface StoredQueryParser {
        Query parse(BytesRef stored) throws IOException;
    }

    private final String field;
    private final String slotFieldName;
    private final List<IndexSearcher> documentSearchers;
    private final StoredQueryParser parser;

    PercolateQuery(String field, String slotFieldName, List<IndexSearcher> documentSearchers, StoredQueryParser parser) {
        this.field = field;
        this.slotFieldName = slotFieldName;
        this.documentSearchers = documentSearchers;
        this.parser = parser;
    }

    String field() {
        return field;
    }

    /** The hit field that lists the matching document slots: {@code _percolator_document_slot[_<name>]}. */
    String slotFieldName() {
        return slotFieldName;
    }

    boolean matches(BytesRef stored) throws IOException {
        Query query = parser.parse(stored);
        for (IndexSearcher searcher : documentSearchers) {
            if (searcher.count(query) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Positions (0-based) of the percolated documents that the stored query matches. */
    List<Object> matchingSlots(BytesRef stored) throws IOException {
        Query query = parser.parse(stored);
        List<Object> slots = new ArrayList<>();
        for (int slot = 0; slot < documentSearchers.size(); slot++) {
            if (documentSearchers.get(slot).count(query) > 0) {
                slots.add(slot);
            }
        }
        return slots;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public Scorer scorer(LeafReaderContext context) throws IOException {
                BinaryDocValues values = context.reader().getBinaryDocValues(field);
                if (values == null) {
                    return null;
                }
                TwoPhaseIterator twoPhase = new TwoPhaseIterator(values) {
                    @Override
                    public boolean matches() throws IOException {
                        return PercolateQuery.this.matches(values.binaryValue());
                    }

                    @Override
                    public float matchCost() {
                        return 1000f;
                    }
                };
                return new ConstantScoreScorer(this, score(), scoreMode, twoPhase);
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return false; // depends on the percolated documents, not only on the segment
            }
        };
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public String toString(String defaultField) {
        return "PercolateQuery{field=" + field + ", documents=" + documentSearchers.size() + "}";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
