package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// CassandraCQL lexer.
var CassandraCQL Lexer

func registerCassandraCQL() {
	CassandraCQL = register(MustNewLexer(
		&Config{
			Name:            "Cassandra CQL",
			Aliases:         []string{"cassandra", "cql"},
			Filenames:       []string{"*.cql"},
			MimeTypes:       []string{"text/x-cql"},
			NotMultiline:    true,
			CaseInsensitive: true,
		},
		cassandraCQLRules,
	))
}

func cassandraCQLRules() Rules {
	return Rules{
		"root": {
			{Pattern: `\s+`, Type: TextWhitespace, Mutator: nil},
			{Pattern: `(--|\/\/).*\n?`, Type: CommentSingle, Mutator: nil},
			{Pattern: `/\*`, Type: CommentMultiline, Mutator: Push("multiline-comments")},
			{Pattern: `(ascii|bigint|blob|boolean|counter|date|decimal|double|float|frozen|inet|int|list|map|set|smallint|text|time|timestamp|timeuuid|tinyint|tuple|uuid|varchar|varint)\b`, Type: NameBuiltin, Mutator: nil},
			{Pattern: Words(``, `\b`, `ADD`, `AGGREGATE`, `ALL`, `ALLOW`, `ALTER`, `AND`, `ANY`, `APPLY`, `AS`, `ASC`, `AUTHORIZE`, `BATCH`, `BEGIN`, `BY`, `CLUSTERING`, `COLUMNFAMILY`, `COMPACT`, `CONSISTENCY`, `COUNT`, `CREATE`, `CUSTOM`, `DELETE`, `DESC`, `DISTINCT`, `DROP`, `EACH_QUORUM`, `ENTRIES`, `EXISTS`, `FILTERING`, `FROM`, `FULL`, `GRANT`, `IF`, `IN`, `INDEX`, `INFINITY`, `INSERT`, `INTO`, `KEY`, `KEYS`, `KEYSPACE`, `KEYSPACES`, `LEVEL`, `LIMIT`, `LOCAL_ONE`, `LOCAL_QUORUM`, `MATERIALIZED`, `MODIFY`, `NAN`, `NORECURSIVE`, `NOSUPERUSER`, `NOT`, `OF`, `ON`, `ONE`, `ORDER`, `PARTITION`, `PASSWORD`, `PER`, `PERMISSION`, `PERMISSIONS`, `PRIMARY`, `QUORUM`, `RENAME`, `REVOKE`, `SCHEMA`, `SELECT`, `STATIC`, `STORAGE`, `SUPERUSER`, `TABLE`, `THREE`, `TO`, `TOKEN`, `TRUNCATE`, `TTL`, `TWO`, `TYPE`, `UNLOGGED`, `UPDATE`, `USE`, `USER`, `USERS`, `USING`, `VALUES`, `VIEW`, `WHERE`, `WITH`, `WRITETIME`, `REPLICATION`, `OR`, `REPLACE`, `FUNCTION`, `CALLED`, `INPUT`, `RETURNS`, `LANGUAGE`, `ROLE`, `ROLES`, `TRIGGER`, `DURABLE_WRITES`, `LOGIN`, `OPTIONS`, `LOGGED`, `SFUNC`, `STYPE`, `FINALFUNC`, `INITCOND`, `IS`, `CONTAINS`, `JSON`, `PAGING`, `OFF`), Type: Keyword, Mutator: nil},
			{Pattern: "[+*/<>=~!@#%^&|`?-]+", Type: Operator, Mutator: nil},
			{Pattern: `(?s)(java|javascript)(\s+)(AS)(\s+)('|\$\$)(.*?)(\5)`, Type: UsingByGroup(1, 6,
				NameBuiltin, TextWhitespace, Keyword, TextWhitespace,
				LiteralStringHeredoc, LiteralStringHeredoc, LiteralStringHeredoc), Mutator: nil,
			},
			{Pattern: `(true|false|null)\b`, Type: KeywordConstant, Mutator: nil},
			{Pattern: `0x[0-9a-f]+`, Type: LiteralNumberHex, Mutator: nil},
			{Pattern: `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, Type: LiteralNumberHex, Mutator: nil},
			{Pattern: `\.[0-9]+(e[+-]?[0-9]+)?`, Type: Error, Mutator: nil},
			{Pattern: `-?[0-9]+(\.[0-9])?(e[+-]?[0-9]+)?`, Type: LiteralNumberFloat, Mutator: nil},
			{Pattern: `[0-9]+`, Type: LiteralNumberInteger, Mutator: nil},
			{Pattern: `'`, Type: LiteralStringSingle, Mutator: Push("string")},
			{Pattern: `"`, Type: LiteralStringName, Mutator: Push("quoted-ident")},
			{Pattern: `\$\$`, Type: LiteralStringHeredoc, Mutator: Push("dollar-string")},
			{Pattern: `[a-z_]\w*`, Type: Name, Mutator: nil},
			{Pattern: `:(['"]?)[a-z]\w*\b\1`, Type: NameVariable, Mutator: nil},
			{Pattern: `[;:()\[\]\{\},.]`, Type: Punctuation, Mutator: nil},
		},
		"multiline-comments": {
			{Pattern: `/\*`, Type: CommentMultiline, Mutator: Push("multiline-comments")},
			{Pattern: `\*/`, Type: CommentMultiline, Mutator: Pop(1)},
			{Pattern: `[^/*]+`, Type: CommentMultiline, Mutator: nil},
			{Pattern: `[/*]`, Type: CommentMultiline, Mutator: nil},
		},
		"string": {
			{Pattern: `[^']+`, Type: LiteralStringSingle, Mutator: nil},
			{Pattern: `''`, Type: LiteralStringSingle, Mutator: nil},
			{Pattern: `'`, Type: LiteralStringSingle, Mutator: Pop(1)},
		},
		"quoted-ident": {
			{Pattern: `[^"]+`, Type: LiteralStringName, Mutator: nil},
			{Pattern: `""`, Type: LiteralStringName, Mutator: nil},
			{Pattern: `"`, Type: LiteralStringName, Mutator: Pop(1)},
		},
		"dollar-string": {
			{Pattern: `[^\$]+`, Type: LiteralStringHeredoc, Mutator: nil},
			{Pattern: `\$\$`, Type: LiteralStringHeredoc, Mutator: Pop(1)},
		},
	}
}
