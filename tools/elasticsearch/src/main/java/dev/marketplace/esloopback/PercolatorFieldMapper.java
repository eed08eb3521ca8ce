package dev.marketplace.esloopback;

import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.search.Query;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.mapper.DocumentParserContext;
import org.elasticsearch.index.mapper.FieldMapper;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.MapperBuilderContext;
import org.elasticsearch.index.mapper.SourceValueFetcher;
import org.elasticsearch.index.mapper.TextSearchInfo;
import org.elasticsearch.index.mapper.ValueFetcher;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryShardException;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.Map;

/**
 * The {@code percolator} field type: the value is a query. It is parsed when the document is
 * indexed (so a bad query is rejected then) and kept, normalised to JSON, in binary doc values
 * that {@link PercolateQuery} reads at search time.
 */
final class PercolatorFieldMapper extends FieldMapper {

    static final String CONTENT_TYPE = "percolator";

    static final TypeParser PARSER = new TypeParser((name, parserContext) -> new Builder(name));

    static final class Builder extends FieldMapper.Builder {
        private final Parameter<Map<String, String>> meta = Parameter.metaParam();

        Builder(String name) {
            super(name);
        }

        @Override
        protected Parameter<?>[] getParameters() {
            return new Parameter<?>[] { meta };
        }

        @Override
        public PercolatorFieldMapper build(MapperBuilderContext context) {
            PercolatorFieldType fieldType = new PercolatorFieldType(context.buildFullName(leafName()), meta.getValue());
            return new PercolatorFieldMapper(leafName(), fieldType, builderParams(this, context));
        }
    }

    static final class PercolatorFieldType extends MappedFieldType {
        PercolatorFieldType(String name, Map<String, String> meta) {
            super(name, false, false, true, TextSearchInfo.NONE, meta);
        }

        @Override
        public String typeName() {
            return CONTENT_TYPE;
        }

        @Override
        public ValueFetcher valueFetcher(SearchExecutionContext context, String format) {
            return SourceValueFetcher.identity(name(), context, format);
        }

        @Override
        public Query termQuery(Object value, SearchExecutionContext context) {
            throw new QueryShardException(context, "Percolator fields are not searchable directly, use a percolate query instead");
        }
    }

    private PercolatorFieldMapper(String simpleName, MappedFieldType fieldType, BuilderParams params) {
        super(simpleName, fieldType, params);
    }

    @Override
    protected void parseCreateField(DocumentParserContext context) throws IOException {
        XContentParser parser = context.parser();
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new IllegalArgumentException("a [percolator] field [" + fullPath() + "] takes a query object");
        }
        QueryBuilder query = AbstractQueryBuilder.parseTopLevelQuery(parser);
        BytesReference normalised = XContentHelper.toXContent(query, XContentType.JSON, false);
        context.doc().add(new BinaryDocValuesField(fieldType().name(), normalised.toBytesRef()));
    }

    @Override
    public FieldMapper.Builder getMergeBuilder() {
        return new Builder(leafName()).init(this);
    }

    @Override
    protected String contentType() {
        return CONTENT_TYPE;
    }
}
