"""The WordprocessingML layer: every tag name, XPath and element mutation lives under here."""
