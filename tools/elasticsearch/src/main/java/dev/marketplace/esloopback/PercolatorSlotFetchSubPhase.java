package dev.marketplace.esloopback;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.search.fetch.FetchContext;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.search.fetch.FetchSubPhaseProcessor;
import org.elasticsearch.search.fetch.StoredFieldsSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Adds {@code fields._percolator_document_slot} to the hits of a percolate query, as Elasticsearch does. */
final class PercolatorSlotFetchSubPhase implements FetchSubPhase {

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        Query query = context.query();
        if (query == null) {
            return null;
        }
        List<PercolateQuery> percolateQueries = new ArrayList<>();
        query.visit(new QueryVisitor() {
            @Override
            public void visitLeaf(Query leaf) {
                if (leaf instanceof PercolateQuery percolateQuery) {
                    percolateQueries.add(percolateQuery);
                }
            }
        });
        if (percolateQueries.isEmpty()) {
            return null;
        }
        return new FetchSubPhaseProcessor() {
            private LeafReaderContext leaf;

            @Override
            public void setNextReader(LeafReaderContext readerContext) {
                leaf = readerContext;
            }

            @Override
            public void process(HitContext hitContext) throws IOException {
                for (PercolateQuery percolateQuery : percolateQueries) {
                    BinaryDocValues values = leaf.reader().getBinaryDocValues(percolateQuery.field());
                    if (values == null || values.advanceExact(hitContext.docId()) == false) {
                        continue;
                    }
                    List<Object> slots = percolateQuery.matchingSlots(values.binaryValue());
                    if (slots.isEmpty() == false) {
                        String name = percolateQuery.slotFieldName();
                        hitContext.hit().setDocumentField(name, new DocumentField(name, slots));
                    }
                }
            }

            @Override
            public StoredFieldsSpec storedFieldsSpec() {
                return StoredFieldsSpec.NO_REQUIREMENTS;
            }
        };
    }
}
