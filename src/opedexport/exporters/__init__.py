"""Built-in exporters. Each registers through the ``opedexport.exporters`` entry-point group."""
