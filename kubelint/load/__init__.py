"""Reading input: files and folders, encodings, YAML as Kubernetes reads it, resources."""
