package facts

import (
	"regexp"
	"strings"
)

// Services a dependency-injection container hands to a handler: dishka's
// FromDishka[Service] (or Annotated[Service, FromDishka()]) and
// dependency-injector's Depends(Provide[Container.service]) with the
// parameter annotated by the service class. A handler that calls a
// method of such a service which authenticates the request (it calls a
// verification such as authenticate_request or jwt.decode, or rejects
// with 401/403) is authenticated there, as by a dependency.

var (
	fromDishkaRe  = regexp.MustCompile(`^FromDishka\[\s*([A-Za-z_][\w.]*)\s*\]$`)
	annotatedDIRe = regexp.MustCompile(`^Annotated\[\s*([A-Za-z_][\w.]*)\s*,\s*(?:FromDishka\(\s*\)|Inject\b|Provide\[)`)
)

// injectedClass is the class name a parameter is injected as, or "".
func injectedClass(p pyParam) string {
	ann := strings.TrimSpace(p.annotation)
	if m := fromDishkaRe.FindStringSubmatch(ann); m != nil {
		return m[1]
	}
	if m := annotatedDIRe.FindStringSubmatch(ann); m != nil {
		return m[1]
	}
	if p.marker != nil && (p.markerName == "Depends" || p.markerName == "Provide") {
		// Depends(Provide[Container.service]): the annotation names the class.
		if t := p.marker.arg(0, "dependency"); t != nil && t.kind == "subscript" && t.obj != nil && lastSeg(t.obj.dot) == "Provide" {
			return p.annName
		}
		if p.markerName == "Provide" {
			return p.annName
		}
	}
	return ""
}

// injectedAuth are the injected services whose called methods
// authenticate, as dependencies of the handler.
func (m *model) injectedAuth(fn *pyFunc) []Dependency {
	var out []Dependency
	for _, p := range fn.params {
		cls := injectedClass(p)
		if cls == "" || len(fn.paramCalls[p.name]) == 0 {
			continue
		}
		c := m.r.classOf(fn.file, cls)
		if c == nil {
			continue
		}
		for _, meth := range fn.paramCalls[p.name] {
			if mf := m.methodOf(c, meth); mf != nil && m.methodAuthenticates(mf) {
				out = append(out, Dependency{Name: cls + "." + meth, Qualname: funcQual(mf), Kind: "injected",
					Path: mf.file.path, Line: mf.line, Level: "param", Auth: true, Param: p.name})
				break
			}
		}
	}
	return out
}

// methodOf finds a method in a class or its project bases.
func (m *model) methodOf(c *pyClass, name string) *pyFunc {
	for _, k := range m.classHierarchy(c) {
		if f := k.methods[name]; f != nil {
			return f
		}
	}
	return nil
}

// methodAuthenticates: the method verifies a credential or rejects with
// 401/403, itself or through another method of its class (self.check()).
func (m *model) methodAuthenticates(fn *pyFunc) bool {
	m.resolveRaises(fn)
	for _, st := range fn.raises {
		if st == 401 || st == 403 {
			return true
		}
	}
	return fn.verifies
}
