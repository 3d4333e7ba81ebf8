package facts

// TLS-terminating proxies in front of the apps: nginx, Traefik (compose
// labels and commands, its static configuration), Caddy and Kubernetes
// Ingress resources. Each piece of evidence becomes a TLSProxy fact, and
// the apps of the project (see proxyApplies) count as served over HTTPS.

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kinds of deployment files read for TLS proxies.
const (
	KindCaddyfile  = "caddyfile"
	KindTraefik    = "traefik"
	KindKubernetes = "kubernetes"
	kindMaybeKube  = "yaml"
)

// Kinds of TLS proxy.
const (
	ProxyNginx   = "nginx"
	ProxyTraefik = "traefik"
	ProxyCaddy   = "caddy"
	ProxyIngress = "ingress"
)

// classifyProxy returns the kind of a file that may configure a TLS proxy,
// or "".
func classifyProxy(p string) string {
	base := path.Base(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	switch {
	case base == "Caddyfile" || strings.HasPrefix(base, "Caddyfile.") || ext == ".caddyfile":
		return KindCaddyfile
	case strings.HasPrefix(lower, "traefik") && (ext == ".yml" || ext == ".yaml" || ext == ".toml"):
		return KindTraefik
	case ext == ".yml" || ext == ".yaml":
		return kindMaybeKube
	}
	return ""
}

// kubeKindRe finds the resources that route outside traffic to a service.
var kubeKindRe = regexp.MustCompile(`(?m)^\s*kind:\s*["']?(Ingress|IngressRoute|Route)["']?\s*$`)

func looksLikeKubernetes(src []byte) bool { return kubeKindRe.Match(src) }

// nginxProxies are the nginx directives that terminate TLS or send
// clients to https.
func nginxProxies(ds []NginxDirective) []TLSProxy {
	var out []TLSProxy
	add := func(d NginxDirective) {
		out = append(out, TLSProxy{Path: d.Path, Line: d.Line, Project: d.Project, Kind: ProxyNginx,
			What: clip(strings.TrimSpace(d.Directive+" "+strings.Join(d.Args, " ")), maxTextLen)})
	}
	for _, d := range ds {
		switch d.Directive {
		case "listen":
			for _, a := range d.Args {
				if a == "ssl" {
					add(d)
					break
				}
			}
		case "ssl_certificate":
			add(d)
		case "return", "rewrite":
			for _, a := range d.Args {
				if strings.HasPrefix(a, "https://") {
					add(d)
					break
				}
			}
		}
	}
	return out
}

// nginxHSTS reports whether nginx directives send Strict-Transport-Security.
func nginxHSTS(ds []NginxDirective) bool {
	for _, d := range ds {
		if d.Directive == "add_header" && len(d.Args) > 0 && strings.EqualFold(d.Args[0], "Strict-Transport-Security") {
			return true
		}
	}
	return false
}

// traefikTLSRe matches the Traefik settings that serve a router over TLS
// or redirect to https, as compose labels (traefik.http.routers.api.tls=true)
// or static-configuration flags (--entrypoints.web.http.redirections.entrypoint.scheme=https).
var traefikTLSRe = regexp.MustCompile(`(?i)^-*traefik\.http\.routers\.[^.=]+\.tls(\.certresolver|\.domains.*|\.options)?\s*[=:]\s*\S|` +
	`(?i)^-*(traefik\.http\.middlewares\.[^.=]+\.redirectscheme\.scheme|entrypoints\.[^.=]+\.http\.redirections\.entrypoint\.scheme)\s*[=:]\s*["']?https|` +
	`(?i)^-*(certificatesresolvers\.[^.=]+\.acme\.|entrypoints\.[^.=]+\.http\.tls)`)

// traefikHSTSRe matches a Traefik headers middleware that sends HSTS.
var traefikHSTSRe = regexp.MustCompile(`(?i)\.headers\.(stsseconds|forcestsheader)\s*[=:]`)

// traefikProxy reads one compose label or command word.
func traefikProxy(s string) (tls, hsts bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(strings.ToLower(s), "traefik") && !strings.HasPrefix(s, "--") {
		return false, false
	}
	if v, ok := strings.CutSuffix(strings.ToLower(s), "=false"); ok && strings.HasSuffix(v, ".tls") {
		return false, false
	}
	return traefikTLSRe.MatchString(s), traefikHSTSRe.MatchString(s)
}

// composeProxies reads the Traefik labels and commands of one compose
// service (Caddy and nginx services are read from their own files).
func composeProxies(path, project, service string, labels, command *yaml.Node) (out []TLSProxy, hsts bool) {
	look := func(n *yaml.Node, what string) {
		if n == nil {
			return
		}
		var items []*yaml.Node
		switch n.Kind {
		case yaml.SequenceNode:
			items = n.Content
		case yaml.MappingNode: // labels as a map: traefik.http.routers.x.tls: "true"
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Value: k.Value + "=" + v.Value, Line: k.Line})
			}
		case yaml.ScalarNode:
			for _, w := range shellWords(n.Value) {
				items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Value: w, Line: n.Line})
			}
		}
		for _, it := range items {
			tls, h := traefikProxy(it.Value)
			hsts = hsts || h
			if tls {
				out = append(out, TLSProxy{Path: path, Line: it.Line, Project: project, Kind: ProxyTraefik,
					What: clip(fmt.Sprintf("%s of service %s: %s", what, service, it.Value), maxTextLen)})
			}
		}
	}
	look(labels, "label")
	look(command, "command")
	return out, hsts
}

// parseTraefik reads a Traefik static or dynamic configuration file:
// certificate resolvers, TLS on routers or entry points, a redirect to
// https, an HSTS headers middleware.
func parseTraefik(path, project string, src []byte) configOut {
	var out configOut
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.ToLower(strings.TrimSpace(l))
		switch {
		case strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "certresolver"), strings.HasPrefix(t, "certificatesresolvers"), strings.HasPrefix(t, "[certificatesresolvers"),
			strings.HasPrefix(t, "scheme:") && strings.Contains(t, "https"), strings.HasPrefix(t, "scheme =") && strings.Contains(t, "https"):
			out.proxies = append(out.proxies, TLSProxy{Path: path, Line: i + 1, Project: project, Kind: ProxyTraefik, What: clip(strings.TrimSpace(l), maxTextLen)})
		case strings.HasPrefix(t, "stsseconds"):
			out.hsts = true
		}
	}
	return out
}

// parseCaddyfile reads the site addresses of a Caddyfile. Caddy serves
// every site whose address is a host name over HTTPS, redirecting HTTP,
// unless the address says http:// or is only a port; a tls directive says
// so explicitly.
func parseCaddyfile(path, project string, src []byte) configOut {
	var out configOut
	depth := 0
	for i, raw := range strings.Split(string(src), "\n") {
		l := raw
		if j := strings.Index(l, "#"); j >= 0 {
			l = l[:j]
		}
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		fields := strings.Fields(strings.TrimSuffix(t, "{"))
		switch {
		case depth == 0 && !strings.HasPrefix(t, "(") && !strings.HasPrefix(t, "{") && len(fields) > 0:
			for _, f := range fields {
				if caddyHTTPS(strings.TrimSuffix(f, ",")) {
					out.proxies = append(out.proxies, TLSProxy{Path: path, Line: i + 1, Project: project, Kind: ProxyCaddy,
						What: clip("site "+strings.Join(fields, " "), maxTextLen)})
					break
				}
			}
		case depth > 0 && len(fields) > 0 && fields[0] == "tls" && (len(fields) == 1 || fields[1] != "off"):
			out.proxies = append(out.proxies, TLSProxy{Path: path, Line: i + 1, Project: project, Kind: ProxyCaddy, What: clip(t, maxTextLen)})
		case depth > 0 && len(fields) > 1 && fields[0] == "header" && strings.Contains(strings.ToLower(t), "strict-transport-security"):
			out.hsts = true
		}
		depth += strings.Count(l, "{") - strings.Count(l, "}")
		if depth < 0 {
			depth = 0
		}
	}
	return out
}

// caddyHTTPS reports whether a Caddy site address gets automatic HTTPS.
func caddyHTTPS(addr string) bool {
	a := strings.ToLower(addr)
	switch {
	case strings.HasPrefix(a, "http://"), strings.HasPrefix(a, ":"), strings.HasPrefix(a, "{$"), a == "":
		return false
	case strings.HasPrefix(a, "https://"):
		return true
	}
	host, _, _ := strings.Cut(a, ":")
	host, _, _ = strings.Cut(host, "/")
	return strings.Contains(host, ".") && strings.ContainsFunc(host, func(r rune) bool { return r >= 'a' && r <= 'z' }) ||
		host == "localhost"
}

// parseKubernetes reads Kubernetes (and OpenShift, Traefik CRD) resources
// that expose a service: an Ingress or Route with a tls section, or an
// ingress annotation that forces the redirect to HTTPS. Helm templates do
// not parse as YAML; their tls: lines are taken as written.
func parseKubernetes(path, project string, src []byte) configOut {
	var out configOut
	add := func(line int, what string) {
		out.proxies = append(out.proxies, TLSProxy{Path: path, Line: line, Project: project, Kind: ProxyIngress, What: clip(what, maxTextLen)})
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	parsed := false
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break
		}
		parsed = true
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		kind := mapGet(root, "kind")
		if kind == nil || !kubeKindRe.MatchString("kind: "+kind.Value) {
			continue
		}
		if spec := mapGet(root, "spec"); spec != nil {
			if tls := mapGet(spec, "tls"); tls != nil && !(tls.Kind == yaml.SequenceNode && len(tls.Content) == 0) {
				add(tls.Line, fmt.Sprintf("%s with spec.tls", kind.Value))
				continue
			}
		}
		if md := mapGet(root, "metadata"); md != nil {
			if ann := mapGet(md, "annotations"); ann != nil && ann.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(ann.Content); i += 2 {
					k, v := ann.Content[i], ann.Content[i+1]
					if (strings.HasSuffix(k.Value, "/ssl-redirect") || strings.HasSuffix(k.Value, "/force-ssl-redirect")) && strings.EqualFold(v.Value, "true") {
						add(k.Line, fmt.Sprintf("%s annotation %s: %s", kind.Value, k.Value, v.Value))
						break
					}
				}
			}
		}
	}
	if !parsed || bytes.Contains(src, []byte("{{")) {
		// A Helm template: a tls: key of the resource.
		for i, l := range strings.Split(string(src), "\n") {
			if t := strings.TrimSpace(l); t == "tls:" && len(l)-len(strings.TrimLeft(l, " ")) <= 4 {
				add(i+1, "tls: in a templated Ingress")
				break
			}
		}
	}
	return out
}

// projectTLS summarises the non-Python TLS hints that apply to a project's apps.
type projectTLS struct {
	hsts, serverTLS, proxyTLS bool
}

func (t projectTLS) or(u projectTLS) projectTLS {
	return projectTLS{hsts: t.hsts || u.hsts, serverTLS: t.serverTLS || u.serverTLS, proxyTLS: t.proxyTLS || u.proxyTLS}
}

// serverTLSFlags are the server options that make uvicorn, gunicorn or
// hypercorn serve TLS themselves.
var serverTLSFlags = map[string]bool{"--ssl-keyfile": true, "--ssl-certfile": true, "--certfile": true, "--keyfile": true}

// deploymentTLS gathers, for each Python project, the TLS hints of the
// deployment files that serve it (see proxyApplies): TLS proxies, HSTS sent
// by nginx, TLS in server commands.
func deploymentTLS(out *Facts, pyByProject map[string][]*pyFile) map[string]projectTLS {
	own := map[string]projectTLS{}
	set := func(project string, t projectTLS) { own[project] = own[project].or(t) }
	for _, p := range out.TLSProxies {
		set(p.Project, projectTLS{proxyTLS: true, hsts: p.HSTS})
	}
	for _, d := range out.Nginx {
		if d.Directive == "add_header" && len(d.Args) > 0 && strings.EqualFold(d.Args[0], "Strict-Transport-Security") {
			set(d.Project, projectTLS{hsts: true})
		}
	}
	cmd := func(project string, args []string) {
		for _, a := range args {
			flag, _, _ := strings.Cut(a, "=")
			if serverTLSFlags[flag] {
				set(project, projectTLS{serverTLS: true})
			}
		}
	}
	for _, d := range out.Dockerfile {
		if d.Instruction == "CMD" || d.Instruction == "ENTRYPOINT" {
			cmd(d.Project, d.Args)
		}
	}
	for _, d := range out.Compose {
		if d.Key != "environment" {
			cmd(d.Project, d.Args)
		}
	}
	for _, d := range out.Procfile {
		cmd(d.Project, d.Args)
	}
	res := map[string]projectTLS{}
	for q := range pyByProject {
		for p, t := range own {
			_, hasPython := pyByProject[p]
			if proxyApplies(p, q, hasPython) {
				res[q] = res[q].or(t)
			}
		}
	}
	return res
}

// proxyApplies reports whether the deployment files of project p serve
// the apps of project q: p is q or a folder above it (a compose file at the
// top of a repository deploys the services in its sub-folders), or p holds
// no Python code at all (a deploy/, infra/ or k8s/ folder deploys the
// repository's apps).
func proxyApplies(p, q string, pHasPython bool) bool {
	return p == q || p == "." || strings.HasPrefix(q, p+"/") || !pHasPython
}
