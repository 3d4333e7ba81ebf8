package gofacts

// Facts are the Go facts of one tree. They marshal to the `go` object of
// policies/facts.schema.json, whose descriptions document every field.
// Every slice is non-nil, so that a policy always finds an array.
type Facts struct {
	Files          []File          `json:"files"`
	Imports        []Import        `json:"imports"`
	Composites     []Composite     `json:"composites"`
	Calls          []Call          `json:"calls"`
	Assignments    []Assignment    `json:"assignments"`
	Refs           []Ref           `json:"refs"`
	HeaderWrites   []HeaderWrite   `json:"header_writes"`
	SQL            []SQLCall       `json:"sql"`
	ErrorExposures []ErrorExposure `json:"error_exposures"`
	SecretLiterals []SecretLiteral `json:"secret_literals"`
	Comparisons    []Comparison    `json:"comparisons"`
	JWTParses      []JWTParse      `json:"jwt_parses"`
	Skipped        []Skipped       `json:"skipped"`
}

// File is one Go source file facts were read from.
type File struct {
	Path    string `json:"path"`
	Package string `json:"package"`
	Test    bool   `json:"test"`
	// GoVersion is the go directive of the module the file belongs to (the
	// nearest go.mod above it), "" when no go.mod was read.
	GoVersion string `json:"go_version"`
}

// Import is one import spec.
type Import struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Import string `json:"import"`
	Name   string `json:"name"`
}

// Value is a Go expression and what a reader resolves it to.
type Value struct {
	Text     string `json:"text"`
	Line     int    `json:"line"`
	Known    bool   `json:"known"`
	Value    any    `json:"value"`
	Type     string `json:"type"`
	Source   string `json:"source"`
	Qualname string `json:"qualname,omitempty"`
	DefPath  string `json:"def_path,omitempty"`
	DefLine  int    `json:"def_line,omitempty"`
	// Items are the elements of a slice literal.
	Items []Value `json:"items,omitempty"`
	// Args are the arguments of a call value (cors.AllowedOrigins(...)).
	Args []Value `json:"args,omitempty"`
	// Returns are the values a function literal returns.
	Returns []Value `json:"returns,omitempty"`
	// RequestHeader names the request header the value is read from
	// (r.Header.Get("Origin") -> "Origin").
	RequestHeader string `json:"request_header,omitempty"`
	// Redacted is set when Value is masked (a secret-like name).
	Redacted bool `json:"redacted,omitempty"`
}

// Composite is a struct literal of a type of interest (tls.Config,
// http.Server, http.Cookie, CORS options...), or a variable declared with
// such a type, with the fields set on it later in the same function.
type Composite struct {
	Path     string           `json:"path"`
	Line     int              `json:"line"`
	Function string           `json:"function"`
	Type     string           `json:"type"`
	Var      string           `json:"var"`
	Fields   map[string]Value `json:"fields"`
	SetLater []string         `json:"set_later"`
}

// Call is a call of interest.
type Call struct {
	Path     string  `json:"path"`
	Line     int     `json:"line"`
	Function string  `json:"function"`
	Callee   string  `json:"callee"`
	Method   string  `json:"method"`
	Recv     string  `json:"recv"`
	RecvFrom string  `json:"recv_from"`
	Args     []Value `json:"args"`
}

// Assignment is `x.Field = value` on something that is not a tracked
// composite (e.Debug = true, tr.TLSClientConfig.InsecureSkipVerify = true).
type Assignment struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Target   string `json:"target"`
	Field    string `json:"field"`
	RecvFrom string `json:"recv_from"`
	Value    Value  `json:"value"`
}

// Ref is a use of a package-level name of a package of interest
// (jwt.SigningMethodNone, pprof.Index).
type Ref struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Qualname string `json:"qualname"`
}

// HeaderWrite is a response header set in code.
type HeaderWrite struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Name     string `json:"name"`
	Value    Value  `json:"value"`
	// Guarded is set when the write sits under an if or switch whose
	// condition looks at the value (an allow-list check of the Origin).
	Guarded bool `json:"guarded"`
}

// Origin is where a non-constant part of a value comes from.
type Origin struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
	Line int    `json:"line"`
}

// SQLCall is a call that runs or prepares SQL, with how its query is built.
type SQLCall struct {
	Path      string   `json:"path"`
	Line      int      `json:"line"`
	Function  string   `json:"function"`
	Callee    string   `json:"callee"`
	Method    string   `json:"method"`
	Query     string   `json:"query"`
	BuiltWith string   `json:"built_with"`
	LooksSQL  bool     `json:"looks_like_sql"`
	Origins   []Origin `json:"origins"`
}

// ErrorExposure is an error's text written to an HTTP response.
type ErrorExposure struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Sink     string `json:"sink"`
	Status   Value  `json:"status"`
	What     string `json:"what"`
}

// SecretLiteral is a string literal bound to a secret-like name.
type SecretLiteral struct {
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Masked      string `json:"masked"`
	Length      int    `json:"length"`
	Placeholder bool   `json:"placeholder"`
	Empty       bool   `json:"empty"`
}

// Comparison is a credential compared with a string literal.
type Comparison struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Op       string `json:"op"`
	Name     string `json:"name"`
	Masked   string `json:"masked"`
}

// KeyFunc describes the key function given to a JWT parse.
type KeyFunc struct {
	Kind         string `json:"kind"`
	Path         string `json:"path"`
	Line         int    `json:"line"`
	ChecksMethod bool   `json:"checks_method"`
}

// JWTParse is a golang-jwt (or dgrijalva/jwt-go) parse call.
type JWTParse struct {
	Path       string   `json:"path"`
	Line       int      `json:"line"`
	Function   string   `json:"function"`
	Callee     string   `json:"callee"`
	Method     string   `json:"method"`
	Unverified bool     `json:"unverified"`
	Options    []string `json:"options"`
	KeyFunc    KeyFunc  `json:"keyfunc"`
	// VerifiedInFunction is set when the same function also parses with
	// verification (ParseUnverified to read the kid, then Parse).
	VerifiedInFunction bool `json:"verified_in_function"`
	// TokenPassedOn is set when the token string given to ParseUnverified
	// is also given to another call of the function (a verifier elsewhere).
	TokenPassedOn bool `json:"token_passed_on"`
	// VerifiedByCaller is set when every call of the function in the
	// folder hands the same token to a verifying parse or to a function of
	// the folder that verifies (peekAudience(tok) reads aud to pick the
	// key, then its caller verifies tok with parseJWT).
	VerifiedByCaller bool `json:"verified_by_caller"`
}

// Skipped is a Go file that could not be read or parsed.
type Skipped struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func newFacts() *Facts {
	return &Facts{
		Files: []File{}, Imports: []Import{}, Composites: []Composite{}, Calls: []Call{}, Assignments: []Assignment{},
		Refs: []Ref{}, HeaderWrites: []HeaderWrite{}, SQL: []SQLCall{}, ErrorExposures: []ErrorExposure{},
		SecretLiterals: []SecretLiteral{}, Comparisons: []Comparison{}, JWTParses: []JWTParse{}, Skipped: []Skipped{},
	}
}
