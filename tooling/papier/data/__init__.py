"""Live data in papers: tables, charts and numbers from CSV files, and analysis.yaml."""
