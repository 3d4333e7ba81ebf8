package facts

// SchemaVersion is the version of policies/facts.schema.json these types
// marshal to.
const SchemaVersion = 1

// Facts is everything extracted from one tree, as policies see it in
// `input`. It marshals to JSON matching policies/facts.schema.json, whose
// descriptions document every field.
type Facts struct {
	Version               int                   `json:"version"`
	Projects              []Project             `json:"projects"`
	Files                 []FileInfo            `json:"files"`
	Apps                  []App                 `json:"apps"`
	UnattachedRoutes      []Route               `json:"unattached_routes"`
	Routers               []Router              `json:"routers"`
	SecuritySchemes       []SecurityScheme      `json:"security_schemes"`
	AuthDependencies      []AuthDependency      `json:"auth_dependencies"`
	Calls                 []Call                `json:"calls"`
	AttributeAssignments  []AttributeAssignment `json:"attribute_assignments"`
	ParamDefaults         []ParamDefault        `json:"parameter_defaults"`
	Settings              []SettingsField       `json:"settings"`
	SecretLiterals        []SecretLiteral       `json:"secret_literals"`
	Comparisons           []Comparison          `json:"comparisons"`
	Imports               []Import              `json:"imports"`
	ExceptionExposures    []ExceptionExposure   `json:"exception_exposures"`
	ResponseHeaders       []Header              `json:"response_headers"`
	Env                   []EnvEntry            `json:"env"`
	Dockerfile            []DockerfileEntry     `json:"dockerfile"`
	Compose               []ComposeEntry        `json:"compose"`
	ComposeBuilds         []ComposeBuild        `json:"compose_builds"`
	Procfile              []ProcfileEntry       `json:"procfile"`
	Nginx                 []NginxDirective      `json:"nginx"`
	Requirements          []Requirement         `json:"requirements"`
	PyprojectDependencies []PyprojectDependency `json:"pyproject_dependencies"`
	Lockfiles             []Lockfile            `json:"lockfiles"`
	Skipped               []Skipped             `json:"skipped"`
	TLSProxies            []TLSProxy            `json:"tls_proxies"`
}

// TLSProxy is configuration of a proxy that terminates TLS in front of the
// apps or redirects them to HTTPS.
type TLSProxy struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Project string `json:"project"`
	Kind    string `json:"kind"`
	What    string `json:"what"`
	HSTS    bool   `json:"hsts"`
}

// Project is a folder holding a project marker.
type Project struct {
	Root    string   `json:"root"`
	Markers []string `json:"markers"`
}

// FileInfo is one file facts were read from.
type FileInfo struct {
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	Project  string `json:"project"`
	Tracked  bool   `json:"tracked"`
	Test     bool   `json:"test"`
	Template bool   `json:"template"`
}

// Value is a Python expression and what it resolves to.
type Value struct {
	Text        string  `json:"text"`
	Line        int     `json:"line"`
	Known       bool    `json:"known"`
	Value       any     `json:"value"`
	Type        string  `json:"type"`
	Source      string  `json:"source"`
	DefPath     string  `json:"def_path,omitempty"`
	DefLine     int     `json:"def_line,omitempty"`
	Qualname    string  `json:"qualname,omitempty"`
	EnvVar      string  `json:"env_var,omitempty"`
	Default     any     `json:"default,omitempty"`
	DefaultLine int     `json:"default_line,omitempty"`
	Items       []Value `json:"items,omitempty"`
	Redacted    bool    `json:"redacted,omitempty"`
}

// Dependency is one Depends(...) or Security(...) that applies to a route or app.
type Dependency struct {
	Name     string `json:"name"`
	Qualname string `json:"qualname"`
	Kind     string `json:"kind"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Level    string `json:"level"`
	Auth     bool   `json:"auth"`
	// OptionalAuth: authentication that lets anonymous requests in by
	// design (get_optional_user, AuthDependency(token_required=False)):
	// the route serves both and decides on the user itself.
	OptionalAuth bool   `json:"optional_auth,omitempty"`
	Param        string `json:"param,omitempty"`
}

// Header is a response header written in Python code.
type Header struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Known    bool   `json:"known"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Function string `json:"function"`
	Class    string `json:"class"`
}

// Middleware is a middleware added to an app.
type Middleware struct {
	Class      string           `json:"class"`
	Qualname   string           `json:"qualname"`
	Path       string           `json:"path"`
	Line       int              `json:"line"`
	EndLine    int              `json:"end_line"`
	Via        string           `json:"via"`
	Args       map[string]Value `json:"args"`
	Positional []Value          `json:"positional"`
	HeadersSet []Header         `json:"headers_set"`
	// UnknownKwargs: a ** argument whose keys are not known may pass any
	// keyword not in Args; UnknownArgs: a * argument, positions unknown.
	UnknownKwargs bool `json:"unknown_kwargs,omitempty"`
	UnknownArgs   bool `json:"unknown_args,omitempty"`
}

// HTTPMiddleware is an @app.middleware("http") function.
type HTTPMiddleware struct {
	Function   string   `json:"function"`
	Path       string   `json:"path"`
	Line       int      `json:"line"`
	HeadersSet []Header `json:"headers_set"`
}

// Param is a route handler parameter.
type Param struct {
	Name       string `json:"name"`
	Line       int    `json:"line"`
	Kind       string `json:"kind"`
	Explicit   bool   `json:"explicit"`
	Annotation string `json:"annotation"`
}

// FailureReturn is a return statement that lets failed authentication through.
type FailureReturn struct {
	Line  int    `json:"line"`
	Value string `json:"value"`
}

// Route is one path operation.
type Route struct {
	Path             string          `json:"path"`
	Line             int             `json:"line"`
	DecoratorLine    int             `json:"decorator_line"`
	URL              string          `json:"url"`
	Methods          []string        `json:"methods"`
	Handler          string          `json:"handler"`
	Async            bool            `json:"async"`
	Router           string          `json:"router"`
	RouterPath       string          `json:"router_path"`
	RouterLine       int             `json:"router_line"`
	Dependencies     []Dependency    `json:"dependencies"`
	Auth             bool            `json:"auth"`
	Params           []Param         `json:"params"`
	RequestJSONLines []int           `json:"request_json_lines"`
	TokenURL         bool            `json:"token_url"`
	PasswordForm     bool            `json:"password_form"`
	FailureReturns   []FailureReturn `json:"failure_returns"`
	// WriteLines are calls of the handler that write or delete stored data.
	WriteLines []int `json:"write_lines"`
	// VerifiesSignature: the handler checks a webhook signature.
	VerifiesSignature bool `json:"verifies_signature"`
	// HandlerAuth: the handler authenticates the caller itself, handing
	// the credential on to a call that checks it: the request's
	// Authorization header passed to a call, or the whole request handed
	// to another request handler whose answer it returns (an SDK's
	// webhook handler, which verifies the sender).
	HandlerAuth bool `json:"handler_auth,omitempty"`
	// CookieOnly: the handler's one effect is a cookie set on (or deleted
	// from) the caller's browser: it has no dependency, sets or deletes a
	// cookie, and every other call reads its request or builds its
	// response. It changes nothing on the server.
	CookieOnly bool `json:"cookie_only,omitempty"`
	// ValidatesBody: the handler validates what it read against a schema
	// (Model.model_validate(body), a TypeAdapter, jsonschema).
	ValidatesBody bool `json:"validates_body,omitempty"`
	// DocsPage: the handler returns FastAPI's Swagger UI or ReDoc page
	// (fastapi.openapi.docs.get_swagger_ui_html, get_redoc_html).
	DocsPage bool `json:"docs_page,omitempty"`
}

// AuthMiddleware is middleware that authenticates every request of an app.
type AuthMiddleware struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Line int    `json:"line"`
}

// Mount is where an app is mounted in another with outer.mount(at, app).
type Mount struct {
	Var     string `json:"var"`
	AppPath string `json:"app_path"`
	AppLine int    `json:"app_line"`
	Path    string `json:"path"`
	Line    int    `json:"line"`
	At      string `json:"at"`
}

// AppRouter is a router included by an app.
type AppRouter struct {
	Var         string `json:"var"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Prefix      string `json:"prefix"`
	IncludePath string `json:"include_path"`
	IncludeLine int    `json:"include_line"`
}

// DocsState says whether one docs URL is served.
type DocsState struct {
	State string `json:"state"`
	Path  string `json:"path"`
	Line  int    `json:"line"`
}

// Docs groups the three docs URLs of an app.
type Docs struct {
	DocsURL    DocsState `json:"docs_url"`
	RedocURL   DocsState `json:"redoc_url"`
	OpenAPIURL DocsState `json:"openapi_url"`
	// Pages are the routes of the app that serve a docs page of its own.
	Pages []DocsPage `json:"pages"`
}

// DocsPage is a route the app's code writes to serve its docs itself:
// one returning FastAPI's get_swagger_ui_html or get_redoc_html, or one at
// /docs or /redoc in place of the built-in page the app turned off.
type DocsPage struct {
	URL  string `json:"url"`
	Path string `json:"path"`
	Line int    `json:"line"`
}

// TLS summarises how an app's traffic is protected.
type TLS struct {
	HTTPSRedirect bool `json:"https_redirect"`
	HSTS          bool `json:"hsts"`
	ServerTLS     bool `json:"server_tls"`
	ProxyTLS      bool `json:"proxy_tls"`
}

// App is one FastAPI or Starlette application.
type App struct {
	Path            string                `json:"path"`
	Line            int                   `json:"line"`
	EndLine         int                   `json:"end_line"`
	Project         string                `json:"project"`
	Framework       string                `json:"framework"`
	Var             string                `json:"var"`
	Module          string                `json:"module"`
	Args            map[string]Value      `json:"args"`
	Positional      []Value               `json:"positional"`
	Attributes      []AttributeAssignment `json:"attributes"`
	Docs            Docs                  `json:"docs"`
	Dependencies    []Dependency          `json:"dependencies"`
	Middleware      []Middleware          `json:"middleware"`
	HTTPMiddleware  []HTTPMiddleware      `json:"http_middleware"`
	Routes          []Route               `json:"routes"`
	Routers         []AppRouter           `json:"routers"`
	ResponseHeaders []Header              `json:"response_headers"`
	HasAuth         bool                  `json:"has_auth"`
	PasswordForm    bool                  `json:"password_form"`
	RateLimiter     bool                  `json:"rate_limiter"`
	TLS             TLS                   `json:"tls"`
	// AuthMiddleware authenticates every request, whatever the routes declare.
	AuthMiddleware []AuthMiddleware `json:"auth_middleware"`
	// MountedIn are the apps this one is mounted in; their middleware
	// (HTTPS redirect, HSTS, headers) wraps its responses.
	MountedIn []Mount `json:"mounted_in"`
	// Function is the function that creates the app (an app factory, a
	// command that starts a helper server); "" at module level.
	Function string `json:"function,omitempty"`
}

// Router is an APIRouter(...) construction.
type Router struct {
	Path         string       `json:"path"`
	Line         int          `json:"line"`
	Var          string       `json:"var"`
	Module       string       `json:"module"`
	Prefix       string       `json:"prefix"`
	Dependencies []Dependency `json:"dependencies"`
	Included     bool         `json:"included"`
}

// SecurityScheme is an instance of a fastapi.security class.
type SecurityScheme struct {
	Path     string           `json:"path"`
	Line     int              `json:"line"`
	Var      string           `json:"var"`
	Class    string           `json:"class"`
	Args     map[string]Value `json:"args"`
	TokenURL string           `json:"token_url"`
}

// AuthDependency is a dependency function that authenticates.
type AuthDependency struct {
	Function         string          `json:"function"`
	Qualname         string          `json:"qualname"`
	Path             string          `json:"path"`
	Line             int             `json:"line"`
	Reasons          []string        `json:"reasons"`
	Schemes          []string        `json:"schemes"`
	Raises           []int           `json:"raises"`
	ReturnsOnFailure []FailureReturn `json:"returns_on_failure"`
	// Optional: the dependency serves anonymous users too (it returns
	// Optional[...], or is named for it: get_optional_user, try_get_user).
	Optional bool `json:"optional"`
}

// Call is a call of interest.
type Call struct {
	Path          string           `json:"path"`
	Line          int              `json:"line"`
	EndLine       int              `json:"end_line"`
	Callee        string           `json:"callee"`
	Written       string           `json:"written"`
	Method        string           `json:"method"`
	Function      string           `json:"function"`
	Args          map[string]Value `json:"args"`
	Positional    []Value          `json:"positional"`
	SQLBuiltWith  string           `json:"sql_built_with"`
	SQLLine       int              `json:"sql_line,omitempty"`
	SQLEndLine    int              `json:"sql_end_line,omitempty"`
	SQLValues     []SQLValue       `json:"sql_values,omitempty"`
	SQLOrigin     string           `json:"sql_origin,omitempty"`
	CredentialArg bool             `json:"credential_arg"`
	// ClaimPeek: a jwt.decode whose result is only read for the claims
	// that choose how to verify the token (aud, iss, kid).
	ClaimPeek bool `json:"claim_peek,omitempty"`
	// UnknownKwargs: a ** argument whose keys are not known may pass any
	// keyword not in Args (keys of a dict literal it names are in Args);
	// UnknownArgs: a * argument, positions unknown.
	UnknownKwargs bool `json:"unknown_kwargs,omitempty"`
	UnknownArgs   bool `json:"unknown_args,omitempty"`
}

// SQLValue is a value formatted into SQL text, and where it comes from.
type SQLValue struct {
	Text   string `json:"text"`
	Line   int    `json:"line"`
	Origin string `json:"origin"`
	Via    string `json:"via,omitempty"`
}

// AttributeAssignment is `x.attr = value`.
type AttributeAssignment struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Target   string `json:"target"`
	Attr     string `json:"attr"`
	Value    Value  `json:"value"`
	Function string `json:"function"`
}

// ParamDefault is a function parameter whose default is a dotted name.
type ParamDefault struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Function string `json:"function"`
	Param    string `json:"param"`
	Value    Value  `json:"value"`
}

// SettingsField is a field of a pydantic settings class.
type SettingsField struct {
	Path       string `json:"path"`
	Line       int    `json:"line"`
	Class      string `json:"class"`
	Field      string `json:"field"`
	Annotation string `json:"annotation"`
	HasDefault bool   `json:"has_default"`
	Value      Value  `json:"value"`
}

// SecretLiteral is a string literal bound to a secret-like name.
type SecretLiteral struct {
	Path        string `json:"path"`
	Line        int    `json:"line"`
	EndLine     int    `json:"end_line"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Context     string `json:"context,omitempty"`
	Masked      string `json:"masked"`
	Length      int    `json:"length"`
	Placeholder bool   `json:"placeholder"`
	Empty       bool   `json:"empty"`
}

// Comparison is an ==/!= comparison involving a credential.
type Comparison struct {
	Path        string `json:"path"`
	Line        int    `json:"line"`
	EndLine     int    `json:"end_line"`
	Op          string `json:"op"`
	Left        string `json:"left"`
	Right       string `json:"right"`
	Credential  bool   `json:"credential"`
	LiteralSide bool   `json:"literal_side"`
	ConstSide   bool   `json:"const_side"`
	Function    string `json:"function"`
	// AuthContext: the comparison is in code that authenticates a
	// request: a route handler, an authentication dependency, or a
	// function (or the class or decorator around it) named for checking
	// credentials (verify_api_key, credentials_valid, login).
	AuthContext bool `json:"auth_context"`
}

// Import is one import statement.
type Import struct {
	Path   string   `json:"path"`
	Line   int      `json:"line"`
	Module string   `json:"module"`
	Names  []string `json:"names"`
	Level  int      `json:"level"`
}

// ExceptionExposure is exception detail sent to a client.
type ExceptionExposure struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Kind     string `json:"kind"`
	Sink     string `json:"sink"`
	Function string `json:"function"`
	// Status is the HTTP status of the answer when known, else 0.
	Status int `json:"status"`
	// Caught are the exception classes whose text is sent, as written.
	Caught []string `json:"caught"`
	// CaughtKind sorts them: broad, validation, app or other.
	CaughtKind string `json:"caught_kind"`
}

// EnvEntry is a KEY=value line of a dotenv file.
type EnvEntry struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Project  string `json:"project"`
	Key      string `json:"key"`
	Value    string `json:"value"`
	Redacted bool   `json:"redacted"`
	// Placeholder: the value is a placeholder (changeme, <...>) or a
	// reference to another variable (${SECRET}), not a real value.
	Placeholder bool `json:"placeholder"`
}

// DockerfileEntry is a Dockerfile instruction (one per variable for ENV/ARG).
type DockerfileEntry struct {
	Path        string   `json:"path"`
	Line        int      `json:"line"`
	Project     string   `json:"project"`
	Instruction string   `json:"instruction"`
	Args        []string `json:"args"`
	Form        string   `json:"form"`
	Key         string   `json:"key"`
	Value       string   `json:"value"`
	Redacted    bool     `json:"redacted"`
	WeakSecret  bool     `json:"weak_secret,omitempty"`
}

// ComposeEntry is an environment variable or command of a compose service.
type ComposeEntry struct {
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Project  string   `json:"project"`
	Service  string   `json:"service"`
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Value    string   `json:"value"`
	Args     []string `json:"args"`
	Redacted bool     `json:"redacted"`
	// WeakSecret is set when the key names a secret and the value is a
	// guessable literal (secret, password, changeme, the service's name...).
	WeakSecret bool `json:"weak_secret,omitempty"`
	// DefaultOf is the variable whose default is the guessable value
	// (PASSWORD: ${PASSWORD:-changeme}), used when it is not set; empty
	// when the value is written as a literal.
	DefaultOf string `json:"default_of,omitempty"`
	// URLPassword: the guessable value is the password of a URL's user
	// information (postgresql://app:${DB_PASS:-app}@db/app).
	URLPassword bool `json:"url_password,omitempty"`
	// Image is the service's image as written ("" when it is built).
	Image string `json:"image,omitempty"`
}

// ComposeBuild is the build section of a compose service: the image it
// builds from a Dockerfile of the repository.
type ComposeBuild struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Project string `json:"project"`
	Service string `json:"service"`
	// Dockerfile is the Dockerfile built, relative to the scanned root
	// (the context joined with build.dockerfile, default Dockerfile);
	// "" when it cannot be told (a remote context, an interpolation
	// without default, a path outside the root, dockerfile_inline).
	Dockerfile string `json:"dockerfile"`
	// Target is the stage built (build.target); "" for the final stage.
	Target string `json:"target,omitempty"`
}

// ProcfileEntry is a Procfile process line.
type ProcfileEntry struct {
	Path    string   `json:"path"`
	Line    int      `json:"line"`
	Project string   `json:"project"`
	Process string   `json:"process"`
	Command string   `json:"command"`
	Args    []string `json:"args"`
}

// NginxDirective is one nginx directive.
type NginxDirective struct {
	Path      string   `json:"path"`
	Line      int      `json:"line"`
	Project   string   `json:"project"`
	Directive string   `json:"directive"`
	Args      []string `json:"args"`
	Context   string   `json:"context"`
}

// Requirement is one requirement line of a requirements file.
type Requirement struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Project string `json:"project"`
	Name    string `json:"name"`
	Spec    string `json:"spec"`
	Pinned  bool   `json:"pinned"`
	Hashed  bool   `json:"hashed"`
}

// PyprojectDependency is a dependency declared in pyproject.toml.
type PyprojectDependency struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Project string `json:"project"`
	Section string `json:"section"`
	Name    string `json:"name"`
	Spec    string `json:"spec"`
	Pinned  bool   `json:"pinned"`
}

// Lockfile is a dependency lock file.
type Lockfile struct {
	Path    string `json:"path"`
	Project string `json:"project"`
	Kind    string `json:"kind"`
}

// Skipped is a file that could not be read or parsed.
type Skipped struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// newFacts returns empty facts whose slices are all non-nil.
func newFacts() *Facts {
	return &Facts{
		Version:               SchemaVersion,
		Projects:              []Project{},
		Files:                 []FileInfo{},
		Apps:                  []App{},
		UnattachedRoutes:      []Route{},
		Routers:               []Router{},
		SecuritySchemes:       []SecurityScheme{},
		AuthDependencies:      []AuthDependency{},
		Calls:                 []Call{},
		AttributeAssignments:  []AttributeAssignment{},
		ParamDefaults:         []ParamDefault{},
		Settings:              []SettingsField{},
		SecretLiterals:        []SecretLiteral{},
		Comparisons:           []Comparison{},
		Imports:               []Import{},
		ExceptionExposures:    []ExceptionExposure{},
		ResponseHeaders:       []Header{},
		Env:                   []EnvEntry{},
		Dockerfile:            []DockerfileEntry{},
		Compose:               []ComposeEntry{},
		ComposeBuilds:         []ComposeBuild{},
		Procfile:              []ProcfileEntry{},
		Nginx:                 []NginxDirective{},
		Requirements:          []Requirement{},
		PyprojectDependencies: []PyprojectDependency{},
		Lockfiles:             []Lockfile{},
		Skipped:               []Skipped{},
		TLSProxies:            []TLSProxy{},
	}
}
