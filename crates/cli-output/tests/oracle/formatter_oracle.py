"""Runs the installed AWS CLI's own output formatters on test cases: the oracle for
crates/cli-output.

Reads from stdin:
    {"docs": ["<response as JSON text>", ...],
     "cases": [{"doc": 0, "format": "json", "query": "a.b" | null, "title": "Op", "width": 80}]}
A case may give the pages of a paginated call instead of "doc" (text and yaml-stream print
those page by page):
    "paged": {"pages": ["<page as JSON text>", ...], "result_keys": [...],
              "non_aggregate_keys": [...], "resume_token": "..." | null}
Writes to stdout one result per case:
    {"ok": "<what the CLI prints>"} | {"error": "<message>", "kind": "query"|"format"} |
    {"skip": "<why>"}

json, text and table are awscli's (v1, the package in .venv) `get_formatter`, colour off, with
the terminal width fixed. yaml and yaml-stream exist only in AWS CLI v2: they are v2's
`YAMLDumper`/`YAMLFormatter`/`StreamedYAMLFormatter` logic around `ruamel.yaml`'s safe dumper
(the library and the C emitter v2 ships), re-stated here in a few lines. `off` prints nothing.
"""
import io
import json
import sys
from argparse import Namespace

import jmespath

import awscli.table
from awscli.formatter import get_formatter
from botocore.paginate import PageIterator

try:
    from ruamel.yaml import YAML
except ImportError:  # pragma: no cover - reported per case
    YAML = None


def _remove_request_id(response):
    if isinstance(response, dict):
        response.pop('ResponseMetadata', None)


def _v2_yaml_dump(value, stream):
    # AWS CLI v2's YAMLDumper: scalars as JSON (no '...' end marker), the rest through
    # ruamel.yaml's safe dumper in block style.
    if value is None or isinstance(value, (int, float, bool, str)):
        json.dump(value, stream, ensure_ascii=False)
        stream.write('\n')
        return
    yaml = YAML(typ='safe')
    yaml.encoding = None
    yaml.representer.default_flow_style = False
    yaml.dump(value, stream)


class FakePages(PageIterator):
    """The pages of a paginated call, as the CLI's formatters receive them."""

    def __init__(self, pages, result_keys, non_aggregate_keys, resume_token):
        self._pages = pages
        self._result_keys = [jmespath.compile(k) for k in result_keys]
        self._non_aggregate_key_exprs = [jmespath.compile(k) for k in non_aggregate_keys]
        self._non_aggregate_part = {}
        self._resume_token = resume_token

    def __iter__(self):
        for i, page in enumerate(self._pages):
            if i == 0:
                self._record_non_aggregate_key_values(page)
            yield page


def run(case, docs):
    paged = case.get('paged')
    if paged is not None:
        response = FakePages([json.loads(p) for p in paged['pages']], paged['result_keys'],
                             paged['non_aggregate_keys'], paged.get('resume_token'))
    else:
        response = json.loads(docs[case['doc']])
    query = case.get('query')
    compiled = None
    if query is not None:
        try:
            compiled = jmespath.compile(query)
        except Exception as e:  # the CLI's globalargs._resolve_query
            return {'error': 'Bad value for --query %s: %s' % (query, e), 'kind': 'bad-query'}
    width = case.get('width', 80)
    awscli.table.determine_terminal_width = lambda default_width=80: width
    fmt = case['format']
    out = io.StringIO()
    args = Namespace(query=compiled, color='off')
    try:
        if fmt in ('json', 'text', 'table'):
            get_formatter(fmt, args)(case.get('title'), response, out)
        elif fmt == 'yaml-stream' and paged is not None:
            if YAML is None:
                return {'skip': 'ruamel.yaml is not installed'}
            # v2's StreamedYAMLFormatter: each page on its own, as a one-item list.
            for page in response:
                _remove_request_id(page)
                try:
                    if compiled is not None:
                        page = compiled.search(page)
                except Exception as e:
                    return {'error': str(e), 'kind': 'query'}
                _v2_yaml_dump([page], out)
        elif fmt in ('yaml', 'yaml-stream'):
            if YAML is None:
                return {'skip': 'ruamel.yaml is not installed'}
            _remove_request_id(response)
            try:
                if compiled is not None:
                    response = compiled.search(response)
            except Exception as e:
                return {'error': str(e), 'kind': 'query'}
            if response != {}:
                _v2_yaml_dump(response if fmt == 'yaml' else [response], out)
        elif fmt == 'off':
            pass
        else:
            raise ValueError('unknown format %s' % fmt)
    except jmespath.exceptions.JMESPathError as e:
        return {'error': str(e), 'kind': 'query'}
    except Exception as e:
        # jmespath's Python-level failures (TypeError from '<' on str and int) surface here
        # too; the formatter's own failures (ragged table rows) as well.
        return {'error': str(e), 'kind': 'other', 'type': type(e).__name__,
                'partial': out.getvalue()}
    return {'ok': out.getvalue()}


def main():
    request = json.load(sys.stdin)
    docs = request['docs']
    results = [run(case, docs) for case in request['cases']]
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
