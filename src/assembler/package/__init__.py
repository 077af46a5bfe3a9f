"""Layer 6: writing the .docx package, its lock and provenance, and exports through LibreOffice."""
