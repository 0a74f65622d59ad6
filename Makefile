# framelens — `make demo` and `make test` are the only set-up a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= ../shared/datasets
SAMPLE ?= examples/sarvan-opinion.html

.PHONY: install demo serve test lint typecheck bench bench-scale bench-batch eval train clean \
        eval-quotes eval-sentiment eval-techniques eval-claims eval-nli eval-stories eval-outlets \
        train-sentiment train-techniques train-claims train-nli train-encoder export-encoder \
        train-frozen

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the dependency list or the constraints change. The 'train' extra
# (scikit-learn, pycountry) is for the training scripts and `eval outlets`; the tests use it.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,train]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p demo
	$(BIN)/framelens analyze $(SAMPLE) --format json -o demo/analysis.json
	$(BIN)/framelens report demo/analysis.json --format html -o demo/report.html
	$(BIN)/framelens report demo/analysis.json --format text
	@echo "wrote demo/analysis.json and demo/report.html"

# The web app on http://127.0.0.1:8000, with the demo article stored (re-running skips it).
serve: $(STAMP)
	$(BIN)/framelens ingest $(SAMPLE)
	$(BIN)/framelens serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench $(wildcard scripts)
	$(BIN)/ruff format --check src tests bench $(wildcard scripts)

typecheck: $(STAMP)
	$(BIN)/mypy src

test: lint typecheck
	$(BIN)/pytest

bench: $(STAMP)
	$(PY) bench/run.py --data $(DATA)
	@echo
	$(PY) bench/run.py --data $(DATA) --analyzers actors,portrayal,relations --set portrayal_model=fast
	@echo
	$(PY) bench/run.py --data $(DATA) --analyzers actors,quotes,relations
	@echo
	$(PY) bench/compare.py --data $(DATA)
	@echo
	$(PY) bench/web.py

# One long synthetic article per size (PTC train articles joined, read at run time), each
# in its own process: seconds, time per character against 100 KB, peak RSS (issue 18).
bench-scale: $(STAMP)
	$(PY) bench/scale.py --data $(DATA)

# framelens batch: bare nlp.pipe vs 1 and 2 Dask workers (README "Batch"); BATCH_N articles.
BATCH_N ?= 2000
bench-batch: $(STAMP)
	$(PY) bench/batch.py --data $(DATA) --n $(BATCH_N) --analyzers actors

eval: eval-quotes eval-sentiment eval-techniques eval-claims eval-nli eval-stories eval-outlets

eval-quotes: $(STAMP)
	$(BIN)/framelens eval quotes --data $(DATA)/polnear --split test

eval-sentiment: $(STAMP)
	$(BIN)/framelens eval sentiment --data $(DATA)/newsmtsc --split rw-test
	$(BIN)/framelens eval sentiment --data $(DATA)/newsmtsc --split mt-test
	$(BIN)/framelens eval sentiment --data $(DATA)/newsmtsc --split rw-test --set portrayal_model=fast
	$(BIN)/framelens eval sentiment --data $(DATA)/newsmtsc --split mt-test --set portrayal_model=fast

eval-techniques: $(STAMP)
	$(BIN)/framelens eval techniques --data $(DATA)/ptc2020 --split dev --task si
	$(BIN)/framelens eval techniques --data $(DATA)/ptc2020 --split dev --task tc

eval-claims: $(STAMP)
	$(BIN)/framelens eval claims --data $(DATA)/checkthat2024 --split test

eval-stories: $(STAMP)
	$(BIN)/framelens eval stories --data $(DATA)/basil --split held-out
	$(BIN)/framelens eval stories --data $(DATA)/basil --split all

eval-outlets: $(STAMP)
	$(BIN)/framelens eval outlets --data $(DATA)/basil

eval-nli: $(STAMP)
	$(BIN)/framelens eval nli --data $(DATA)/nli --split test

# Retraining needs the CPU build of torch (the 'torch' extra); the shipped models run in numpy.
TRAIN_STAMP := $(VENV)/.installed-torch
$(TRAIN_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,train,torch]'
	touch $(TRAIN_STAMP)

# The tuned encoder first (it checkpoints into work/encoder and resumes there when run
# again), its int8 export, then every head on its vectors.
train: train-encoder export-encoder train-sentiment train-techniques train-claims train-nli

train-encoder: $(TRAIN_STAMP)
	$(PY) scripts/train_encoder.py --data $(DATA) --work work/encoder

export-encoder: $(TRAIN_STAMP)
	$(PY) scripts/export_encoder.py --from work/encoder/best --data $(DATA)

# The heads of `encoder = "frozen"` (resources/frozen/): the same scripts on the original model.
train-frozen: $(TRAIN_STAMP)
	FRAMELENS_ENCODER=frozen $(PY) scripts/train_sentiment.py --data $(DATA) --test \
		--out src/framelens/resources/frozen/sentiment --cache /tmp/framelens-sentiment-frozen
	FRAMELENS_ENCODER=frozen $(PY) scripts/train_techniques.py --data $(DATA) \
		--out src/framelens/resources/frozen/techniques --cache /tmp/framelens-techniques-frozen
	FRAMELENS_ENCODER=frozen $(PY) scripts/train_claims.py --data $(DATA) \
		--out src/framelens/resources/frozen/claims --cache /tmp/framelens-claims-frozen
	FRAMELENS_ENCODER=frozen $(PY) scripts/train_nli.py --data $(DATA) \
		--out src/framelens/resources/frozen/nli --cache /tmp/framelens-nli-frozen

train-sentiment: $(TRAIN_STAMP)
	$(PY) scripts/train_sentiment.py --data $(DATA) --test
	$(PY) scripts/train_sentiment.py --data $(DATA) --test --variant fast

train-techniques: $(TRAIN_STAMP)
	$(PY) scripts/train_techniques.py --data $(DATA)

train-claims: $(TRAIN_STAMP)
	$(PY) scripts/train_claims.py --data $(DATA)

train-nli: $(TRAIN_STAMP)
	$(PY) scripts/train_nli.py --data $(DATA)

clean:
	rm -rf demo .pytest_cache .mypy_cache .ruff_cache
