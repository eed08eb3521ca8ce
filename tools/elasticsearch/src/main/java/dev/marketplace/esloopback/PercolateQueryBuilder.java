package dev.marketplace.esloopback;

import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.analysis.AnalyzerScope;
import org.elasticsearch.index.analysis.NamedAnalyzer;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.ParsedDocument;
import org.elasticsearch.index.mapper.SourceToParse;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryShardException;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code percolate} query: {@code {"percolate": {"field": ..., "document": {...}}}} or
 * {@code "documents": [...]}. Fetching the document with {@code index}/{@code id} is not supported.
 */
final class PercolateQueryBuilder extends AbstractQueryBuilder<PercolateQueryBuilder> {

    static final String NAME = "percolate";

    private static final NamedAnalyzer KEYWORD = new NamedAnalyzer("keyword", AnalyzerScope.GLOBAL, new KeywordAnalyzer());

    private final String field;
    private final String name;
    private final List<BytesReference> documents; // JSON

    PercolateQueryBuilder(String field, String name, List<BytesReference> documents) {
        this.field = Objects.requireNonNull(field, "[field] is required");
        this.name = name;
        this.documents = List.copyOf(documents);
    }

    PercolateQueryBuilder(StreamInput in) throws IOException {
        super(in);
        field = in.readString();
        name = in.readOptionalString();
        documents = in.readCollectionAsList(StreamInput::readBytesReference);
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(field);
        out.writeOptionalString(name);
        out.writeCollection(documents, StreamOutput::writeBytesReference);
    }

    static PercolateQueryBuilder fromXContent(XContentParser parser) throws IOException {
        String field = null;
        String name = null;
        String queryName = null;
        float boost = DEFAULT_BOOST;
        List<BytesReference> documents = new ArrayList<>();
        String current = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                current = parser.currentName();
            } else if (token == XContentParser.Token.START_OBJECT && "document".equals(current)) {
                documents.add(copyObject(parser));
            } else if (token == XContentParser.Token.START_ARRAY && "documents".equals(current)) {
                while ((token = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
                    if (token != XContentParser.Token.START_OBJECT) {
                        throw new ParsingException(parser.getTokenLocation(), "[percolate] [documents] must hold objects");
                    }
                    documents.add(copyObject(parser));
                }
            } else if (token.isValue() && current != null) {
                switch (current) {
                    case "field" -> field = parser.text();
                    case "name" -> name = parser.text();
                    case "boost" -> boost = parser.floatValue();
                    case "_name" -> queryName = parser.text();
                    case "index", "id", "routing", "preference", "version" -> throw new ParsingException(
                        parser.getTokenLocation(),
                        "[percolate] [" + current + "]: percolating a stored document is not supported on the loopback node, "
                            + "pass [document] or [documents]"
                    );
                    default -> throw new ParsingException(parser.getTokenLocation(), "[percolate] unknown field [" + current + "]");
                }
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[percolate] unexpected [" + current + "]");
            }
        }
        if (field == null) {
            throw new ParsingException(parser.getTokenLocation(), "[percolate] requires [field]");
        }
        if (documents.isEmpty()) {
            throw new ParsingException(parser.getTokenLocation(), "[percolate] requires [document] or [documents]");
        }
        PercolateQueryBuilder builder = new PercolateQueryBuilder(field, name, documents);
        builder.boost(boost);
        builder.queryName(queryName);
        return builder;
    }

    private static BytesReference copyObject(XContentParser parser) throws IOException {
        try (XContentBuilder copy = XContentFactory.jsonBuilder()) {
            copy.copyCurrentStructure(parser);
            return BytesReference.bytes(copy);
        }
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.field("field", field);
        if (name != null) {
            builder.field("name", name);
        }
        builder.startArray("documents");
        for (BytesReference document : documents) {
            try (XContentParser p = XContentHelper.createParser(XContentParserConfiguration.EMPTY, document, XContentType.JSON)) {
                p.nextToken();
                builder.copyCurrentStructure(p);
            }
        }
        builder.endArray();
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) throws IOException {
        MappedFieldType fieldType = context.getFieldType(field);
        if (fieldType == null) {
            throw new QueryShardException(context, "field [" + field + "] does not exist");
        }
        if (fieldType instanceof PercolatorFieldMapper.PercolatorFieldType == false) {
            throw new QueryShardException(
                context,
                "expected field [" + field + "] to be of type [percolator], but is of type [" + fieldType.typeName() + "]"
            );
        }
        // Each percolated document goes into its own in-memory index, analysed with the index's mappings.
        List<IndexSearcher> searchers = new ArrayList<>(documents.size());
        for (BytesReference document : documents) {
            ParsedDocument parsed = context.parseDocument(new SourceToParse("_temp_id", document, XContentType.JSON));
            MemoryIndex memoryIndex = MemoryIndex.fromDocument(parsed.rootDoc(), context.getIndexAnalyzer(f -> KEYWORD), true, false);
            IndexSearcher searcher = memoryIndex.createSearcher();
            searcher.setQueryCache(null);
            searchers.add(searcher);
        }
        // Stored queries are built against the index's mappings, but must not be rewritten using the
        // shard's own data (e.g. a range on a field the percolator index never holds would become match_none).
        SearchExecutionContext storedQueryContext = new SearchExecutionContext(context) {
            @Override
            public IndexReader getIndexReader() {
                return null;
            }
        };
        String slotField = name == null ? "_percolator_document_slot" : "_percolator_document_slot_" + name;
        return new PercolateQuery(fieldType.name(), slotField, searchers, stored -> {
            try (
                XContentParser p = XContentHelper.createParser(
                    storedQueryContext.getParserConfig(),
                    new BytesArray(stored),
                    XContentType.JSON
                )
            ) {
                QueryBuilder query = AbstractQueryBuilder.parseTopLevelQuery(p);
                query = Rewriteable.rewrite(query, storedQueryContext, true);
                return query.toQuery(storedQueryContext);
            }
        });
    }

    @Override
    protected boolean doEquals(PercolateQueryBuilder other) {
        return field.equals(other.field) && Objects.equals(name, other.name) && documents.equals(other.documents);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(field, name, documents);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }
}
