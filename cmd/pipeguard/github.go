package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/github"
	"github.com/pipeguard/pipeguard/scan/report"
)

// githubFlags are the flags that publish a report to GitHub, shared by
// `pipeguard scan --github` and `pipeguard github publish`.
type githubFlags struct {
	enabled     bool // --github (scan only)
	tokenEnv    string
	uploadSARIF bool
	output      string
	comment     bool
	sarifFile   string
	maxInline   int
	budget      time.Duration
}

// register adds the flags to f; withSwitch adds --github itself (scan).
func (g *githubFlags) register(f *pflag.FlagSet, withSwitch bool) {
	if withSwitch {
		f.BoolVar(&g.enabled, "github", false, "report to GitHub: annotations, step summary, and on a pull request the summary comment and inline review")
	}
	f.StringVar(&g.tokenEnv, "github-token-env", github.DefaultTokenEnv, "environment variable `NAME` that holds the GitHub token")
	f.BoolVar(&g.uploadSARIF, "github-upload-sarif", false, "upload SARIF to GitHub code scanning through the API (needs security-events: write)")
	f.StringVar(&g.output, "github-output", "", "append the Action's outputs (verdict, findings, blocking, sarif-file) to `FILE` ($GITHUB_OUTPUT)")
	f.BoolVar(&g.comment, "github-comment", true, "on a pull request, write the summary comment and inline review comments")
	f.IntVar(&g.maxInline, "github-max-inline", github.DefaultMaxInline, "at most `N` inline review comments per run")
	f.DurationVar(&g.budget, "github-budget", github.DefaultBudget, "total time allowed for GitHub API calls, rate-limit waits included")
}

// publish reports rep to GitHub when --github is on, and writes the step
// outputs when --github-output is set. Failures are printed as warnings on
// stderr and never change the exit code. root is the scanned folder;
// sarifFile is the SARIF report the scan wrote, if any (uploaded as is, and
// named in the step outputs).
//
// The scan command calls it after writing its reports:
//
//	o.github.publish(cmd.Context(), s.Out, s.Err, s.Getenv, rep, rep.Root, sarifPath)
func (g *githubFlags) publish(ctx context.Context, stdout, stderr io.Writer, getenv func(string) string, rep *scan.Report, root, sarifFile string) {
	if sarifFile == "" {
		sarifFile = g.sarifFile
	}
	if g.enabled {
		g.post(ctx, stdout, stderr, getenv, rep, root, sarifFile)
	}
	if g.output != "" {
		outSARIF := ""
		if sarifFile != "" {
			if _, err := os.Stat(sarifFile); err == nil {
				outSARIF = sarifFile
			}
		}
		if err := github.WriteOutputs(g.output, rep, outSARIF); err != nil {
			fmt.Fprintf(stderr, "pipeguard: warning: %s\n", report.Clean(err.Error()))
		}
	}
}

// post calls github.Publish and prints what it did.
func (g *githubFlags) post(ctx context.Context, stdout, stderr io.Writer, getenv func(string) string, rep *scan.Report, root, sarifFile string) {
	opts := github.Options{
		Root:        root,
		Env:         getenv,
		TokenEnv:    g.tokenEnv,
		Stdout:      stdout,
		NoComment:   !g.comment,
		UploadSARIF: g.uploadSARIF,
		MaxInline:   g.maxInline,
		Budget:      g.budget,
	}
	if g.maxInline == 0 {
		opts.MaxInline = -1
	}
	if g.uploadSARIF && sarifFile != "" {
		data, err := os.ReadFile(sarifFile)
		if err != nil {
			fmt.Fprintf(stderr, "pipeguard: warning: read SARIF for upload: %s; uploading SARIF rendered from the report\n", report.Clean(err.Error()))
		} else {
			opts.SARIF = data
		}
	}
	out, err := github.Publish(ctx, rep, opts)
	if err != nil {
		fmt.Fprintf(stderr, "pipeguard: warning: %s\n", report.Clean(err.Error()))
	} else {
		for _, w := range out.Warnings {
			fmt.Fprintf(stderr, "pipeguard: warning: %s\n", report.Clean(w))
		}
		if out.CommentURL != "" {
			fmt.Fprintf(stderr, "pipeguard: summary comment %s: %s\n", out.Comment, out.CommentURL)
		}
		if out.Inline > 0 || out.InlineLeftOut > 0 {
			fmt.Fprintf(stderr, "pipeguard: %d inline review comments posted, %d left out\n", out.Inline, out.InlineLeftOut)
		}
		if out.SARIFID != "" {
			fmt.Fprintf(stderr, "pipeguard: SARIF uploaded to code scanning (%s)\n", out.SARIFID)
		}
	}
}

// newGitHubCmd is `pipeguard github`, whose `publish` subcommand reports a
// saved JSON report to GitHub.
func newGitHubCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "github",
		Short: "Report to GitHub: pull request comments, annotations, step summary, SARIF upload",
	}
	g := &githubFlags{}
	var root string
	pub := &cobra.Command{
		Use:   "publish REPORT.json",
		Short: "Publish a saved JSON report (pipeguard scan --format json) to GitHub",
		Long: `Publish a JSON report that pipeguard scan wrote earlier to GitHub, as the
GitHub Actions environment describes (GITHUB_REPOSITORY, GITHUB_EVENT_NAME,
GITHUB_EVENT_PATH, GITHUB_API_URL, GITHUB_STEP_SUMMARY):

  - workflow annotations on stdout and the markdown summary in
    $GITHUB_STEP_SUMMARY, always (they need no token);
  - on pull_request and pull_request_target events, one summary comment,
    edited in place on every run, and inline review comments for new
    findings on the lines the pull request changed;
  - with --github-upload-sarif, the SARIF report uploaded to code scanning.

A failure to post is printed as a warning and does not change the exit code,
which is 0 unless the report cannot be read (3).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := readReport(args[0])
			if err != nil {
				return usageErr(err)
			}
			if root == "" {
				root = rep.Root
			}
			g.enabled = true
			g.publish(cmd.Context(), s.Out, s.Err, s.Getenv, rep, root, g.sarifFile)
			return nil
		},
	}
	f := pub.Flags()
	g.register(f, false)
	f.StringVar(&g.sarifFile, "sarif-file", "", "the SARIF report the scan wrote (`FILE`): uploaded as is, and named in the outputs")
	f.StringVar(&root, "root", "", "the scanned folder, a git work tree (default: the report's root)")
	cmd.AddCommand(pub)
	return cmd
}

// readReport reads a JSON report.
func readReport(path string) (*scan.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var rep scan.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, &scan.ConfigError{Path: path, Line: line, Err: err}
		}
		return nil, &scan.ConfigError{Path: path, Err: err}
	}
	if rep.Version == 0 || rep.Verdict == "" {
		return nil, fmt.Errorf("read report %s: not a pipeguard JSON report", path)
	}
	if rep.Version > scan.ReportVersion {
		return nil, fmt.Errorf("read report %s: report version %d is newer than this pipeguard understands (%d)", path, rep.Version, scan.ReportVersion)
	}
	return &rep, nil
}
