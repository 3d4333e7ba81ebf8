package github

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"

	gh "github.com/google/go-github/v60/github"

	"github.com/pipeguard/pipeguard/scan/report"
)

// uploadSARIF uploads the SARIF to code scanning: gzip, then base64, with
// the commit and ref the workflow ran on.
func (p *publisher) uploadSARIF(ctx context.Context) {
	data := p.opts.SARIF
	if data == nil {
		var buf bytes.Buffer
		if err := report.SARIF(&buf, p.rep, report.Options{PathPrefix: p.prefix}); err != nil {
			p.out.warn("github: SARIF upload: render SARIF: %v", err)
			return
		}
		data = buf.Bytes()
	}
	sha, ref := p.ctx.SHA, p.ctx.Ref
	if p.ctx.IsPullRequest() && (sha == "" || ref == "") {
		sha, ref = p.ctx.HeadSHA, fmt.Sprintf("refs/pull/%d/head", p.ctx.PR)
	}
	if sha == "" || ref == "" {
		p.out.warn("github: SARIF upload skipped: GITHUB_SHA and GITHUB_REF are needed")
		return
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write(data); err != nil {
		p.out.warn("github: SARIF upload: gzip: %v", err)
		return
	}
	if err := zw.Close(); err != nil {
		p.out.warn("github: SARIF upload: gzip: %v", err)
		return
	}
	analysis := &gh.SarifAnalysis{
		CommitSHA: gh.String(sha),
		Ref:       gh.String(ref),
		Sarif:     gh.String(base64.StdEncoding.EncodeToString(zipped.Bytes())),
		ToolName:  gh.String("pipeguard"),
	}
	if !p.rep.StartedAt.IsZero() {
		analysis.StartedAt = &gh.Timestamp{Time: p.rep.StartedAt}
	}
	id, _, err := p.client.CodeScanning.UploadSarif(withRetryPOST(ctx), p.ctx.Owner, p.ctx.Repo, analysis)
	if err != nil {
		p.out.warn("%v", p.explain("upload SARIF to code scanning", "security-events: write", err))
		return
	}
	p.out.SARIFID = id.GetID()
}
